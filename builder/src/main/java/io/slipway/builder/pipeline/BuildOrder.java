package io.slipway.builder.pipeline;

import io.slipway.builder.plan.BuildTarget;
import io.slipway.builder.plan.EngineChoice;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A build request for one release. Immutable. Holds no secret: the pipeline writes it to a file in
 * the release's build directory so a restarted job can read it back.
 *
 * @param releaseId the release the build belongs to
 * @param version the release version, the tag of every image index, such as {@code 1.4.0}
 * @param fleetRepository the fleet's repository prefix, {@code ORG/FLEET}
 * @param source the extracted project tree; the caller keeps it until the release is finished
 * @param commit the source commit, or null when unknown
 * @param created the commit time or, without one, the time of the order: every image's creation
 *     time and the index annotation
 * @param targets the device types to build for, at least one
 * @param engine which engine to use, or {@link EngineChoice#AUTO} to pick one per service
 * @param noCache true to build every partition even when the cache contains a result for it
 */
public record BuildOrder(
    long releaseId,
    String version,
    String fleetRepository,
    Path source,
    String commit,
    Instant created,
    List<BuildTarget> targets,
    EngineChoice engine,
    boolean noCache) {

  // At most 100 characters, so that a per-platform tag such as 1.4.0-linux-arm-v7 fits in 128.
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");
  private static final Pattern FLEET_REPOSITORY =
      Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*/[a-z0-9]+(?:[._-][a-z0-9]+)*");

  /**
   * @throws IllegalArgumentException naming the value when the version is not a valid tag, the
   *     fleet repository is not {@code ORG/FLEET} or there is no target
   */
  public BuildOrder {
    if (version == null || !VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException(
          "Version '"
              + version
              + "' is invalid: use at most 100 letters, digits, '.', '_' or '-', such as 1.4.0");
    }
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(engine, "engine");
    if (fleetRepository == null || !FLEET_REPOSITORY.matcher(fleetRepository).matches()) {
      throw new IllegalArgumentException(
          "Fleet repository '" + fleetRepository + "' is not ORG/FLEET in lower case");
    }
    if (targets == null || targets.isEmpty()) {
      throw new IllegalArgumentException(
          "Release " + releaseId + " has no target: give at least one device type");
    }
    targets = List.copyOf(targets);
  }
}
