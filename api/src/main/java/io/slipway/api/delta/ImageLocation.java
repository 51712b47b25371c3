package io.slipway.api.delta;

import java.util.Objects;

/**
 * Where the two images of a delta are read: repositories of this server's registry, reached with a
 * builder secret of the fleet that asked. Immutable.
 *
 * @param fleetId the fleet's row id
 * @param fleetRepository the fleet's repository prefix, {@code ORG/FLEET}
 * @param sourceRepository the base image's repository, {@code ORG/FLEET/SERVICE}
 * @param targetRepository the target image's repository, {@code ORG/FLEET/SERVICE}
 */
public record ImageLocation(
    long fleetId, String fleetRepository, String sourceRepository, String targetRepository) {

  public ImageLocation {
    Objects.requireNonNull(fleetRepository, "fleetRepository");
    Objects.requireNonNull(sourceRepository, "sourceRepository");
    Objects.requireNonNull(targetRepository, "targetRepository");
  }
}
