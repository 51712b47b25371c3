package io.slipway.api.release;

import java.util.Objects;

/**
 * One release of a fleet as stored, without its services. Immutable.
 *
 * @param id row id
 * @param fleetId the fleet the release belongs to
 * @param status the release's status; {@link ReleaseStatus#isFinal() final} ones never change
 * @param source how the release came to be
 * @param sourceCommit the commit it was built from, or null
 * @param version its semantic version, unique in the fleet
 * @param createdBy subject of the creator: a user name or a tool's name
 * @param createdAt creation time, milliseconds since the epoch
 * @param finishedAt when it became final, milliseconds since the epoch; null while running
 * @param invalidated true once a release manager withdrew it; it is then no device's target
 * @param invalidatedAt when it was invalidated, or null
 * @param invalidatedBy who invalidated it, or null
 */
public record Release(
    long id,
    long fleetId,
    ReleaseStatus status,
    ReleaseSource source,
    String sourceCommit,
    String version,
    String createdBy,
    long createdAt,
    Long finishedAt,
    boolean invalidated,
    Long invalidatedAt,
    String invalidatedBy) {

  public Release {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(createdBy, "createdBy");
  }

  /** Returns true when this release may be a device's target. */
  public boolean isDeployable() {
    return status == ReleaseStatus.SUCCESS && !invalidated;
  }
}
