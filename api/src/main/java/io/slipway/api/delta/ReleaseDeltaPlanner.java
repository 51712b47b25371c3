package io.slipway.api.delta;

import io.slipway.api.delta.PlatformManifests.PlatformManifest;
import io.slipway.api.device.Device;
import io.slipway.api.device.DeviceRepository;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.targetstate.ReportedState;
import io.slipway.api.targetstate.ReportedStates;
import io.slipway.delta.image.Digest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * Picks the deltas worth making after a release: for each service of the release, from each image
 * that the fleet's devices report running for that service to the release's image of the same
 * platform. Sources come from at most {@code slipway.delta.source-releases} releases, the newest
 * first; a reported image counts as of the newest successful release that names it (or lists it as
 * a platform manifest). Safe for concurrent use.
 */
@Component
class ReleaseDeltaPlanner {

  private final ReleaseImages releaseImages;
  private final PlatformManifests platforms;
  private final DeviceRepository devices;
  private final ReportedStates reports;
  private final DeltaProperties properties;

  ReleaseDeltaPlanner(
      ReleaseImages releaseImages,
      PlatformManifests platforms,
      DeviceRepository devices,
      ReportedStates reports,
      DeltaProperties properties) {
    this.releaseImages = releaseImages;
    this.platforms = platforms;
    this.devices = devices;
    this.reports = reports;
    this.properties = properties;
  }

  /** One delta to make. */
  record PlannedDelta(DeltaPair pair, ImageLocation location, String service) {}

  /** A platform manifest that devices run, with the release image it belongs to. */
  private record RunningManifest(ReleaseImage image, PlatformManifest manifest) {}

  /**
   * Returns the deltas to make towards release {@code releaseId} of {@code fleet}, without
   * duplicates; empty when the release has no images or no device runs an older one.
   */
  List<PlannedDelta> plan(Fleet fleet, long releaseId) {
    List<ReleaseImage> images = releaseImages.ofFleet(fleet.id());
    List<ReleaseImage> targets =
        images.stream().filter(image -> image.releaseId() == releaseId).toList();
    if (targets.isEmpty()) {
      return List.of();
    }
    List<RunningManifest> running = running(fleet, images, targets, releaseId);
    if (running.isEmpty()) {
      return List.of();
    }

    Map<DeltaPair, PlannedDelta> planned = new LinkedHashMap<>();
    for (ReleaseImage target : targets) {
      for (PlatformManifest targetManifest : platformsOf(fleet, target)) {
        for (RunningManifest source : running) {
          if (source.image().service().equals(target.service())
              && Objects.equals(source.manifest().platform(), targetManifest.platform())
              && !source.manifest().digest().equals(targetManifest.digest())) {
            DeltaPair pair = new DeltaPair(source.manifest().digest(), targetManifest.digest());
            planned.putIfAbsent(
                pair,
                new PlannedDelta(
                    pair,
                    new ImageLocation(
                        fleet.id(),
                        fleet.repositoryPrefix(),
                        source.image().image().repository(),
                        target.image().repository()),
                    target.service()));
          }
        }
      }
    }
    return List.copyOf(planned.values());
  }

  /**
   * Returns the platform manifests the fleet's devices report running for the services of {@code
   * targets}, limited to the newest source releases other than {@code releaseId}.
   */
  private List<RunningManifest> running(
      Fleet fleet, List<ReleaseImage> images, List<ReleaseImage> targets, long releaseId) {
    List<Long> ids = devices.findByFleet(fleet.id()).stream().map(Device::id).toList();
    Set<String> services = new TreeSet<>();
    targets.forEach(target -> services.add(target.service()));

    Set<RunningManifest> found = new LinkedHashSet<>();
    for (ReportedState state : reports.findByDevices(ids).values()) {
      for (String service : services) {
        DeltaRules.reportedDigest(state, images, service)
            .flatMap(digest -> resolve(fleet, images, service, digest))
            .ifPresent(found::addAll);
      }
    }

    Set<Long> sourceReleases = new TreeSet<>(Comparator.reverseOrder());
    found.stream()
        .map(manifest -> manifest.image().releaseId())
        .filter(id -> id != releaseId)
        .forEach(sourceReleases::add);
    Set<Long> kept =
        new LinkedHashSet<>(sourceReleases.stream().limit(properties.sourceReleases()).toList());
    return found.stream().filter(m -> kept.contains(m.image().releaseId())).toList();
  }

  /**
   * Returns the platform manifests that a reported digest stands for: every manifest of the newest
   * release image of {@code service} that is that digest, or the one manifest that is that digest
   * in the newest release image listing it. Empty when no release of the fleet names it.
   */
  private Optional<List<RunningManifest>> resolve(
      Fleet fleet, List<ReleaseImage> images, String service, String digest) {
    for (ReleaseImage image : images) {
      if (!image.service().equals(service)) {
        continue;
      }
      List<PlatformManifest> manifests = platformsOf(fleet, image);
      if (image.image().digest().equals(digest)) {
        return Optional.of(
            manifests.stream().map(manifest -> new RunningManifest(image, manifest)).toList());
      }
      List<RunningManifest> matching = new ArrayList<>();
      for (PlatformManifest manifest : manifests) {
        if (manifest.digest().equals(Digest.of(digest))) {
          matching.add(new RunningManifest(image, manifest));
        }
      }
      if (!matching.isEmpty()) {
        return Optional.of(matching);
      }
    }
    return Optional.empty();
  }

  private List<PlatformManifest> platformsOf(Fleet fleet, ReleaseImage image) {
    return platforms.ofRelease(fleet.repositoryPrefix(), image);
  }
}
