package io.slipway.api.delta;

import io.slipway.api.delta.PlatformManifests.PlatformManifest;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.targetstate.ReportedState;
import io.slipway.api.targetstate.ReportedStates;
import io.slipway.api.targetstate.ServiceReport;
import io.slipway.delta.image.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * Decides whether a device may get a delta between two images, by the rules of {@code GET
 * /device/v1/delta}, checked in this order:
 *
 * <ol>
 *   <li>the target is a platform manifest of (or is) the image of a service of a successful, valid
 *       release of the device's fleet, else {@code DELTA_IMAGE_UNKNOWN};
 *   <li>without a base the response is "full";
 *   <li>the base differs from the target, else {@code INVALID_PARAMETER}; it is an image of a
 *       successful release of the fleet, invalidated ones included, else {@code
 *       DELTA_IMAGE_UNKNOWN};
 *   <li>the base is an image of the same service, else {@code DELTA_SOURCE_MISMATCH};
 *   <li>the device reports running it for that service (the report's image, else the service's
 *       image in the reported release; a platform manifest of a reported index counts), else {@code
 *       DELTA_SOURCE_NOT_RUNNING};
 *   <li>both are for the same platform, else {@code DELTA_PLATFORM_MISMATCH}.
 * </ol>
 *
 * Safe for concurrent use.
 */
@Component
class DeltaRules {

  private final ReleaseImages releaseImages;
  private final PlatformManifests platforms;
  private final ReportedStates reports;

  DeltaRules(ReleaseImages releaseImages, PlatformManifests platforms, ReportedStates reports) {
    this.releaseImages = releaseImages;
    this.platforms = platforms;
    this.reports = reports;
  }

  /** The outcome of the rules. */
  sealed interface Decision {}

  /**
   * The device pulls the target in full.
   *
   * @param reason why, for the device's log
   */
  record Full(String reason) implements Decision {}

  /**
   * The device may get the delta of {@code pair}, read from {@code location}.
   *
   * @param service the service both images belong to
   */
  record Allowed(DeltaPair pair, ImageLocation location, String service) implements Decision {}

  /** A platform manifest of a release's service image. */
  private record Candidate(ReleaseImage image, PlatformManifest manifest) {}

  /**
   * Applies the rules to a request of device {@code deviceId} of {@code fleet}.
   *
   * @param from the base manifest digest the device names, or null or blank for none
   * @param to the target manifest digest it names
   * @throws ApiException with the code of the first rule that fails
   */
  Decision decide(long deviceId, Fleet fleet, String from, String to) {
    Digest target = parse("to", to);
    List<ReleaseImage> images = releaseImages.ofFleet(fleet.id());
    List<Candidate> targets = find(fleet, images, target, "to");
    targets.removeIf(candidate -> candidate.image().invalidated());
    if (targets.isEmpty()) {
      throw unknown(target, fleet, "a valid successful release");
    }
    if (from == null || from.isBlank()) {
      return new Full("The request names no base image: pull " + target + " in full");
    }

    Digest source = parse("from", from);
    if (source.equals(target)) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "from and to both name "
              + source
              + ": the device already runs the target, so it needs no delta");
    }
    List<Candidate> sources = find(fleet, images, source, "from");
    if (sources.isEmpty()) {
      throw unknown(source, fleet, "a successful release");
    }
    List<Candidate> sameService = sameService(sources, targets, source, target);
    Candidate running = running(deviceId, fleet, images, sameService, source);
    Candidate targetOfService =
        targets.stream()
            .filter(candidate -> candidate.image().service().equals(running.image().service()))
            .findFirst()
            .orElseThrow();
    requireSamePlatform(running, targetOfService);
    return new Allowed(
        new DeltaPair(source, target),
        new ImageLocation(
            fleet.id(),
            fleet.repositoryPrefix(),
            running.image().image().repository(),
            targetOfService.image().image().repository()),
        running.image().service());
  }

  /**
   * Returns true when {@code target} is a platform manifest of (or is) the image of a service of a
   * successful, valid release of {@code fleet}.
   */
  boolean isTargetOf(Fleet fleet, Digest target) {
    return isImageOf(fleet, target, false);
  }

  /**
   * Returns true when {@code source} is a platform manifest of (or is) the image of a service of a
   * successful release of {@code fleet}, invalidated ones included, because devices still run them.
   */
  boolean isSourceOf(Fleet fleet, Digest source) {
    return isImageOf(fleet, source, true);
  }

  private boolean isImageOf(Fleet fleet, Digest digest, boolean withInvalidated) {
    List<ReleaseImage> images =
        releaseImages.ofFleet(fleet.id()).stream()
            .filter(image -> withInvalidated || !image.invalidated())
            .toList();
    for (ReleaseImage image : images) {
      if (platformsOf(fleet, image).stream().anyMatch(m -> m.digest().equals(digest))) {
        return true;
      }
    }
    return false;
  }

  private static Digest parse(String name, String value) {
    try {
      return Digest.of(value);
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "Parameter '"
              + name
              + "' is '"
              + value
              + "': name a platform manifest by its digest, sha256: and 64 lower-case hex digits");
    }
  }

  private static ApiException unknown(Digest digest, Fleet fleet, String where) {
    return new ApiException(
        ErrorCode.DELTA_IMAGE_UNKNOWN,
        "Image "
            + digest
            + " is not a platform manifest of "
            + where
            + " of fleet "
            + fleet.repositoryPrefix()
            + ": name a manifest from the device's target state");
  }

  /**
   * Returns the platform manifests equal to {@code digest} among the images of {@code fleet}.
   *
   * @throws ApiException {@code INVALID_PARAMETER} when {@code digest} names an image index
   */
  private List<Candidate> find(Fleet fleet, List<ReleaseImage> images, Digest digest, String name) {
    List<Candidate> found = new ArrayList<>();
    for (ReleaseImage image : images) {
      List<PlatformManifest> manifests = platformsOf(fleet, image);
      boolean isIndex =
          image.image().digest().equals(digest.value())
              && manifests.stream().noneMatch(m -> m.digest().equals(digest));
      if (isIndex) {
        throw new ApiException(
            ErrorCode.INVALID_PARAMETER,
            "Parameter '"
                + name
                + "' names "
                + digest
                + ", the image index of service '"
                + image.service()
                + "': name the platform manifest the device runs or will run");
      }
      manifests.stream()
          .filter(manifest -> manifest.digest().equals(digest))
          .forEach(manifest -> found.add(new Candidate(image, manifest)));
    }
    return found;
  }

  private List<PlatformManifest> platformsOf(Fleet fleet, ReleaseImage image) {
    return platforms.ofRelease(fleet.repositoryPrefix(), image);
  }

  private static List<Candidate> sameService(
      List<Candidate> sources, List<Candidate> targets, Digest source, Digest target) {
    Set<String> targetServices = new TreeSet<>();
    targets.forEach(candidate -> targetServices.add(candidate.image().service()));
    List<Candidate> same =
        sources.stream()
            .filter(candidate -> targetServices.contains(candidate.image().service()))
            .toList();
    if (same.isEmpty()) {
      throw new ApiException(
          ErrorCode.DELTA_SOURCE_MISMATCH,
          "Base image "
              + source
              + " belongs to service "
              + String.join(", ", services(sources))
              + " but target "
              + target
              + " belongs to service "
              + String.join(", ", services(targets))
              + ": ask for a delta from the image the device runs for that service");
    }
    return same;
  }

  private static Set<String> services(List<Candidate> candidates) {
    Set<String> names = new TreeSet<>();
    candidates.forEach(candidate -> names.add("'" + candidate.image().service() + "'"));
    return names;
  }

  private Candidate running(
      long deviceId,
      Fleet fleet,
      List<ReleaseImage> images,
      List<Candidate> sameService,
      Digest source) {
    Optional<ReportedState> report = reports.find(deviceId);
    for (Candidate candidate : sameService) {
      String service = candidate.image().service();
      Optional<String> reported = report.flatMap(state -> reportedDigest(state, images, service));
      if (reported.isPresent() && runs(fleet, images, service, reported.get(), source)) {
        return candidate;
      }
    }
    String service = sameService.get(0).image().service();
    throw new ApiException(
        ErrorCode.DELTA_SOURCE_NOT_RUNNING,
        "The device does not report running base image "
            + source
            + " for service '"
            + service
            + "': report the image the service runs in the device state, then ask for a delta"
            + " from it");
  }

  /**
   * Returns the digest of the image the device reports running for {@code service}: the image its
   * report names, else the service's image in the reported release.
   */
  static Optional<String> reportedDigest(
      ReportedState state, List<ReleaseImage> images, String service) {
    ServiceReport serviceReport = state.services().get(service);
    if (serviceReport != null && serviceReport.image() != null) {
      return Optional.of(serviceReport.image());
    }
    if (state.releaseId() == null) {
      return Optional.empty();
    }
    return images.stream()
        .filter(image -> image.releaseId() == state.releaseId())
        .filter(image -> image.service().equals(service))
        .map(image -> image.image().digest())
        .findFirst();
  }

  /**
   * Returns true when the reported image is {@code source}, or is a release image of {@code
   * service} that lists {@code source} as a platform manifest.
   */
  private boolean runs(
      Fleet fleet, List<ReleaseImage> images, String service, String reported, Digest source) {
    if (reported.equals(source.value())) {
      return true;
    }
    return images.stream()
        .filter(image -> image.service().equals(service))
        .filter(image -> image.image().digest().equals(reported))
        .findFirst()
        .map(image -> platformsOf(fleet, image).stream().anyMatch(m -> m.digest().equals(source)))
        .orElse(false);
  }

  private static void requireSamePlatform(Candidate source, Candidate target) {
    if (Objects.equals(source.manifest().platform(), target.manifest().platform())) {
      return;
    }
    throw new ApiException(
        ErrorCode.DELTA_PLATFORM_MISMATCH,
        "Base image "
            + source.manifest().digest()
            + " is for platform "
            + source.manifest().platform()
            + " but target "
            + target.manifest().digest()
            + " is for "
            + target.manifest().platform()
            + ": ask for the target's manifest of the platform the device runs");
  }
}
