package io.slipway.api.deploy;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.api.deploy.DeploymentRequest.ServiceRequest;
import io.slipway.api.deploy.ImagePublisher.Published;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.ImageReference;
import io.slipway.api.release.Release;
import io.slipway.api.release.ReleaseHooks;
import io.slipway.api.release.ReleaseService;
import io.slipway.api.release.ReleaseServiceImage;
import io.slipway.api.release.ReleaseStatus;
import io.slipway.builder.pipeline.BuiltService;
import io.slipway.builder.pipeline.ReleaseHook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The last step of a deploy: records each published image as a service of the release, pinned by
 * its index digest under the host that release images name (as a built release does), runs the
 * {@link ReleaseHook} beans that built releases run, finishes the release {@code SUCCESS} and
 * audits {@code release.deployed}. Safe for concurrent use.
 */
@Component
public class DeploymentFinisher {

  private final ReleaseService releases;
  private final ServerRegistryAccess access;
  private final AuditLog audit;
  private final ReleaseHooks hooks;

  public DeploymentFinisher(
      ReleaseService releases, ServerRegistryAccess access, AuditLog audit, ReleaseHooks hooks) {
    this.releases = releases;
    this.access = access;
    this.audit = audit;
    this.hooks = hooks;
  }

  /**
   * Finishes {@code release} with the published images.
   *
   * @throws RuntimeException from a hook, or an {@link io.slipway.api.error.ApiException} when the
   *     release rejects a service. The caller then finishes the release {@code FAILED}.
   */
  public void finish(Identity who, Fleet fleet, Release release, List<Published> published) {
    List<ReleaseServiceImage> services = new ArrayList<>();
    List<BuiltService> built = new ArrayList<>();
    for (Published image : published) {
      SourceImage source = image.image().source();
      ServiceRequest settings = source.settings();
      ImageReference reference =
          new ImageReference(access.imageHost(), image.repository(), image.index().digest());
      services.add(
          new ReleaseServiceImage(
              source.service(),
              reference,
              settings.environment(),
              settings.labels(),
              settings.configuration()));
      built.add(
          new BuiltService(
              source.service(),
              image.repository(),
              image.index().digest(),
              settings.environment(),
              settings.labels(),
              settings.configuration()));
    }
    releases.change(who, release.id(), services, Set.of(), null);
    hooks.run(release.id(), built);
    releases.finish(who, release.id(), ReleaseStatus.SUCCESS);
    audit.record(
        who,
        "release.deployed",
        "release",
        String.valueOf(release.id()),
        fleet.organizationId(),
        details(fleet, release, published));
  }

  private static Map<String, Object> details(
      Fleet fleet, Release release, List<Published> published) {
    Map<String, Object> sources = new LinkedHashMap<>();
    for (Published image : published) {
      Map<String, Object> service = new LinkedHashMap<>();
      service.put("source", image.image().source().named().text());
      service.put(
          "read", image.image().source().repository() + ":" + image.image().source().reference());
      service.put("repository", image.repository());
      service.put("index", image.index().digest());
      sources.put(image.image().source().service(), service);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("fleet", fleet.repositoryPrefix());
    details.put("releaseId", release.id());
    details.put("version", release.version());
    details.put("services", sources);
    return details;
  }
}
