package io.slipway.api.event;

import java.util.List;
import java.util.Objects;

/**
 * Published after a change commits that may change what devices of a fleet should run: a release
 * finished or was invalidated, a fleet or device target or pin changed, variables changed, or a
 * rollout moved. Listeners (the device control channel) tell the devices to poll their target
 * state. Immutable.
 *
 * @param fleetId the fleet
 * @param deviceUuids the devices concerned; empty when the change concerns the whole fleet
 * @param releaseId the release now targeted, or null when the change is not about one release
 * @param reason short machine-readable reason, such as {@code fleet.target.changed}
 */
public record FleetTargetChanged(
    long fleetId, List<String> deviceUuids, Long releaseId, String reason) {

  public FleetTargetChanged {
    deviceUuids = List.copyOf(deviceUuids);
    Objects.requireNonNull(reason, "reason");
  }

  /** Creates an event that concerns every device of {@code fleetId}. */
  public static FleetTargetChanged wholeFleet(long fleetId, Long releaseId, String reason) {
    return new FleetTargetChanged(fleetId, List.of(), releaseId, reason);
  }
}
