package io.slipway.api.targetstate;

/**
 * The columns of a device and its fleet that decide the device's target release. Immutable.
 *
 * @param deviceId the device's row id
 * @param fleetId its fleet's row id
 * @param pinnedReleaseId {@code device.pinned_release_id}, or null
 * @param rolloutReleaseId {@code device.rollout_release_id}, or null
 * @param trackLatest {@code fleet.track_latest}
 * @param fleetTargetReleaseId {@code fleet.target_release_id}, or null
 */
public record TargetInputs(
    long deviceId,
    long fleetId,
    Long pinnedReleaseId,
    Long rolloutReleaseId,
    boolean trackLatest,
    Long fleetTargetReleaseId) {}
