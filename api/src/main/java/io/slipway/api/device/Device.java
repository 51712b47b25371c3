package io.slipway.api.device;

import java.util.Objects;

/**
 * A device as stored, without its key. Immutable.
 *
 * @param id row id
 * @param uuid the identifier the device generated
 * @param fleetId the fleet it belongs to
 * @param name display name
 * @param approved false while the device awaits an owner's approval
 * @param status what the device last reported, such as {@code IDLE} or {@code UPDATING}
 * @param osVersion the OS version it reported, or null
 * @param addresses the IP addresses it reported, space-separated, or null
 * @param pinnedReleaseId a release pinned for this device alone, or null
 * @param rolloutReleaseId the release a running rollout moved it to, or null
 * @param targetVersion counter bumped by every change of a target-state input of the device
 * @param createdAt registration time, milliseconds since the epoch
 * @param lastSeenAt when the device last called the server, or null
 */
public record Device(
    long id,
    String uuid,
    long fleetId,
    String name,
    boolean approved,
    String status,
    String osVersion,
    String addresses,
    Long pinnedReleaseId,
    Long rolloutReleaseId,
    long targetVersion,
    long createdAt,
    Long lastSeenAt) {

  public Device {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(name, "name");
  }
}
