package io.slipway.api.deploy;

import io.slipway.api.build.BuildService;
import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.NewRelease;
import io.slipway.api.release.Release;
import io.slipway.api.release.ReleaseService;
import io.slipway.api.release.ReleaseSource;
import io.slipway.api.release.ReleaseStatus;
import io.slipway.api.release.ReleaseView;
import io.slipway.api.release.SemanticVersion;
import io.slipway.builder.plan.BuildTarget;
import io.slipway.builder.registry.RegistryClient;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Creates a release from images that already exist, without the builder. Synchronous: first every
 * check runs ({@link ReferenceResolver}, {@link PlatformCheck}, {@link BlobVerifier}), and a failed
 * check leaves nothing behind. Then the release (source {@code PREBUILT}) is created, the images
 * are mounted into the fleet's repositories ({@link ImagePublisher}) and the release is finished
 * ({@link DeploymentFinisher}). A failure after the release exists finishes it {@code FAILED} with
 * the reason in its log.
 *
 * <p>The registry is spoken to over HTTP on loopback, as the builder does, with a short-lived
 * builder secret of the fleet. Callers check {@code RELEASE_CREATE} on the fleet first. Safe for
 * concurrent use.
 */
@Service
public class DeploymentService {

  /** How long the builder secret of one deploy lives. */
  static final Duration SECRET_LIFETIME = Duration.ofMinutes(30);

  /** The limit of each registry request, from sending to the end of the headers. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(DeploymentService.class);
  private static final Identity ACTOR = Identity.system("deploy");

  private final ReleaseService releases;
  private final BuildService builds;
  private final ServerRegistryAccess access;
  private final ReferenceResolver resolver;
  private final PlatformCheck platforms;
  private final BlobVerifier verifier;
  private final ImagePublisher publisher;
  private final DeploymentFinisher finisher;

  public DeploymentService(
      ReleaseService releases,
      BuildService builds,
      ServerRegistryAccess access,
      ReferenceResolver resolver,
      PlatformCheck platforms,
      BlobVerifier verifier,
      ImagePublisher publisher,
      DeploymentFinisher finisher) {
    this.releases = releases;
    this.builds = builds;
    this.access = access;
    this.resolver = resolver;
    this.platforms = platforms;
    this.verifier = verifier;
    this.publisher = publisher;
    this.finisher = finisher;
  }

  /**
   * Deploys the images of {@code request} to {@code fleet}.
   *
   * @param requestHost the {@code Host} header of the request, one of the names of this registry
   * @return the release with its services, with status {@code SUCCESS}, or {@code FAILED} when a
   *     step after its creation failed
   * @throws ApiException from a check, before anything is created: {@code INVALID_VERSION}, {@code
   *     INVALID_PARAMETER}, {@code INVALID_REQUEST_BODY}, {@code INVALID_SERVICE}, {@code
   *     INVALID_IMAGE_REFERENCE}, {@code IMAGE_REGISTRY_NOT_SERVED}, {@code FORBIDDEN}, {@code
   *     IMAGE_NOT_FOUND}, {@code IMAGE_PLATFORM_MISSING}, {@code IMAGE_CORRUPT}, {@code
   *     UNKNOWN_DEVICE_TYPE} or {@code VERSION_TAKEN}
   */
  public ReleaseView deploy(
      Identity who, Fleet fleet, DeploymentRequest request, String requestHost) {
    NewRelease newRelease = newRelease(request);
    releases.requireVersionFree(fleet, newRelease.version());
    List<BuildTarget> targets = builds.targets(fleet);
    List<SourceImage> sources = resolver.resolve(who, fleet, request, requestHost);
    RegistryClient client =
        access.client(fleet.repositoryPrefix(), SECRET_LIFETIME, REQUEST_TIMEOUT);
    List<CheckedImage> checked = platforms.check(client, sources, targets);
    verifier.verify(client, checked);

    Release release = releases.create(who, fleet, newRelease);
    try {
      releases.appendLog(
          release.id(),
          List.of(
              "Deploying "
                  + sources.size()
                  + " prebuilt images for "
                  + targets.stream().map(target -> target.platform().toString()).distinct().toList()
                  + "; every blob was verified"));
      List<ImagePublisher.Published> published =
          publisher.publish(
              client,
              fleet,
              release,
              checked,
              line -> releases.appendLog(release.id(), List.of(line)));
      finisher.finish(who, fleet, release, published);
      log.info(
          "Release {} ({}) of fleet {} deployed from {} by {}",
          release.id(),
          release.version(),
          fleet.repositoryPrefix(),
          sources.stream().map(SourceImage::describe).toList(),
          who.subject());
    } catch (RuntimeException e) {
      // NOTE: blobs mounted and the version tag set before the failure stay in the fleet's
      // repositories, as they do after a failed build; garbage collection does not remove them.
      fail(release, e);
    }
    return releases.view(release.id());
  }

  private void fail(Release release, RuntimeException cause) {
    log.error("Deploy of release {} failed after it was created", release.id(), cause);
    try {
      releases.appendLog(release.id(), List.of("Deploy failed: " + cause.getMessage()));
      releases.finish(ACTOR, release.id(), ReleaseStatus.FAILED);
    } catch (ApiException e) {
      log.warn("Release {} could not be marked FAILED: {}", release.id(), e.getMessage());
    }
  }

  private static NewRelease newRelease(DeploymentRequest request) {
    SemanticVersion version = null;
    if (request.version() != null) {
      if (request.version().contains("+")) {
        throw new ApiException(
            ErrorCode.INVALID_VERSION,
            "Version '"
                + request.version()
                + "' has build metadata after '+', which an image tag cannot hold; leave it out");
      }
      try {
        version = new SemanticVersion(request.version());
      } catch (IllegalArgumentException e) {
        throw new ApiException(ErrorCode.INVALID_VERSION, e.getMessage());
      }
    }
    try {
      return new NewRelease(ReleaseSource.PREBUILT, request.commit(), version);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST_BODY, "Field 'commit': " + e.getMessage());
    }
  }
}
