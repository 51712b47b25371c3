package io.slipway.api.targetstate;

import java.util.Objects;

/**
 * A device's report about one service. Immutable.
 *
 * @param status what the service is doing
 * @param downloadProgress percent of the image downloaded, 0 to 100, or null when not reported
 * @param healthy the result of the service's health check, or null when it has none
 */
public record ServiceReport(ServiceStatus status, Integer downloadProgress, Boolean healthy) {

  /**
   * @throws IllegalArgumentException naming the progress when it is outside 0 to 100
   */
  public ServiceReport {
    Objects.requireNonNull(status, "status");
    if (downloadProgress != null && (downloadProgress < 0 || downloadProgress > 100)) {
      throw new IllegalArgumentException(
          "Download progress " + downloadProgress + " is not a percentage: send 0 to 100");
    }
  }

  /** Returns true when the service runs and its health check, if any, passes. */
  public boolean runsHealthy() {
    return status == ServiceStatus.RUNNING && !Boolean.FALSE.equals(healthy);
  }
}
