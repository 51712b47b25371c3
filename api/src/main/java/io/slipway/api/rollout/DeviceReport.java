package io.slipway.api.rollout;

import java.time.Instant;
import java.util.Objects;

/**
 * The last state report of a device, reduced to what a rollout reads.
 *
 * @param deviceId the device's row id
 * @param releaseId the release it reports as its current one; null when it named none
 * @param condition how that release runs on it
 * @param reportedAt when the report arrived
 */
public record DeviceReport(long deviceId, Long releaseId, Condition condition, Instant reportedAt) {

  /** Condition of the reported release on the device. */
  public enum Condition {
    /** Every service of the release runs and is healthy. */
    HEALTHY,
    /** The device is downloading, installing or starting. */
    UPDATING,
    /** A service failed, or the update failed. */
    FAILED
  }

  public DeviceReport {
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(reportedAt, "reportedAt");
  }
}
