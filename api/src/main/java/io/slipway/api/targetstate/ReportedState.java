package io.slipway.api.targetstate;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The last state a device reported, as stored. Immutable.
 *
 * @param deviceId the device's row id
 * @param releaseId the release it reported, or null
 * @param status its overall status, derived from the services
 * @param services what each service was doing, by name
 * @param osVersion the OS version it reported, or null
 * @param reportedAt when the report arrived, milliseconds since the epoch
 */
public record ReportedState(
    long deviceId,
    Long releaseId,
    DeviceRunState status,
    Map<String, ServiceReport> services,
    String osVersion,
    long reportedAt) {

  public ReportedState {
    Objects.requireNonNull(status, "status");
    services = Collections.unmodifiableMap(new TreeMap<>(services));
  }

  /** Returns true when the device reported {@code release} running with every service healthy. */
  public boolean runsHealthy(long release) {
    return releaseId != null && releaseId == release && status.isHealthy();
  }
}
