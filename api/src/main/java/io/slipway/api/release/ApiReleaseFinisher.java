package io.slipway.api.release;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import io.slipway.builder.pipeline.BuiltService;
import io.slipway.signing.SigningException;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Changes a release for the release API ({@code PATCH /api/v1/releases/{id}}). A change without a
 * status, or one that finishes {@code FAILED}, is one transaction of {@link ReleaseService#change}.
 * A change that finishes {@code SUCCESS} signs the release first, as builds and deploys do, in
 * three steps:
 *
 * <ol>
 *   <li>stores the services in one transaction; the release stays {@code RUNNING};
 *   <li>checks that the release is complete and that every image is in this server's registry, then
 *       runs the {@link ReleaseHooks}, which sign the release, outside any transaction, because
 *       they write to the registry;
 *   <li>finishes the release {@code SUCCESS} in a second transaction, provided its services did not
 *       change in the meantime.
 * </ol>
 *
 * <p>All the hooks run, not only the signing hook, so that a release takes the same steps before
 * {@code SUCCESS} whether it was built, deployed or finished through the API.
 *
 * <p>When a step after the first fails, the release stays {@code RUNNING} with the stored services,
 * so nothing is lost, and the caller may send {@code SUCCESS} again. Safe for concurrent use; two
 * concurrent finishes of one release have exactly one winner.
 */
@Component
public class ApiReleaseFinisher {

  private static final Logger log = LoggerFactory.getLogger(ApiReleaseFinisher.class);

  private final ReleaseService releases;
  private final ReleaseHooks hooks;
  private final RegistryImages images;

  public ApiReleaseFinisher(ReleaseService releases, ReleaseHooks hooks, RegistryImages images) {
    this.releases = releases;
    this.hooks = hooks;
    this.images = images;
  }

  /**
   * Sets and removes services as {@link ReleaseService#putServices} does, then finishes the release
   * when {@code status} is not null.
   *
   * @param status {@code SUCCESS}, {@code FAILED}, or null to leave the release running
   * @return the release with all its services after the change
   * @throws ApiException as {@link ReleaseService#change} does; for {@code SUCCESS} also {@code
   *     RELEASE_NOT_SIGNABLE} for an image on another registry, {@code SIGNING_KEY_UNAVAILABLE}
   *     when no key can sign, {@code RELEASE_FINISH_FAILED} when signing failed otherwise, and
   *     {@code CONFLICT} when the services changed during signing. Each of these leaves the release
   *     {@code RUNNING} with the services of this request stored.
   */
  public ReleaseView change(
      Identity actor,
      long releaseId,
      List<ReleaseServiceImage> services,
      Set<String> removed,
      ReleaseStatus status) {
    if (status != ReleaseStatus.SUCCESS) {
      return releases.change(actor, releaseId, services, removed, status);
    }
    List<ReleaseServiceImage> stored = releases.prepareSuccess(releaseId, services, removed);
    for (ReleaseServiceImage service : stored) {
      images.requireSignable(releaseId, service);
    }
    runHooks(releaseId, stored);

    releases.finishSigned(actor, releaseId, stored);
    return releases.view(releaseId);
  }

  private void runHooks(long releaseId, List<ReleaseServiceImage> services) {
    List<BuiltService> built = services.stream().map(ApiReleaseFinisher::built).toList();
    try {
      hooks.run(releaseId, built);
    } catch (RuntimeException e) {
      Release now = releases.require(releaseId);
      if (now.status().isFinal()) {
        // A concurrent finish won while the hooks ran, so their failure is no error to report.
        throw ReleaseService.finalRelease(now);
      }
      throw hookFailure(releaseId, e);
    }
  }

  private static BuiltService built(ReleaseServiceImage service) {
    return new BuiltService(
        service.service(),
        service.image().repository(),
        service.image().digest(),
        service.environment(),
        service.labels(),
        service.configuration());
  }

  private static ApiException hookFailure(long releaseId, RuntimeException e) {
    ApiException api = causeOf(e, ApiException.class);
    if (api != null) {
      return api;
    }
    String advice = "; release " + releaseId + " stays RUNNING with its services, ";
    SigningException signing = causeOf(e, SigningException.class);
    if (signing != null) {
      log.warn(
          "Release {} cannot be signed, because no key can sign: {}", releaseId, e.getMessage());
      // The signer's own message, without the hook's class name, which means nothing to the caller.
      return new ApiException(
          ErrorCode.SIGNING_KEY_UNAVAILABLE,
          "Release "
              + releaseId
              + " cannot be signed: "
              + signing.getMessage()
              + ". It stays RUNNING with its services: once an administrator has activated a"
              + " signing key, send status SUCCESS again");
    }
    log.error("Signing release {} failed; it stays RUNNING", releaseId, e);
    // The hook runner prefixes each failure with the hook's class name, which means nothing to the
    // caller. The hook's own message names the image or document at fault.
    String reason = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
    return new ApiException(
        ErrorCode.RELEASE_FINISH_FAILED,
        reason
            + advice
            + "so send status SUCCESS again once the cause is fixed; the server log has the"
            + " details");
  }

  private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
