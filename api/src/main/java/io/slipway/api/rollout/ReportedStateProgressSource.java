package io.slipway.api.rollout;

import io.slipway.api.targetstate.DeviceRunState;
import io.slipway.api.targetstate.ReportedState;
import io.slipway.api.targetstate.ReportedStates;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Reads rollout progress from the states devices report to {@code PATCH /device/v1/{uuid}/state}. A
 * device runs healthy when every service runs and no health check fails. A failed, exited or
 * unhealthy service is a failure, and anything else is an update under way. Safe for concurrent
 * use.
 */
@Component
public class ReportedStateProgressSource implements RolloutProgressSource {

  private final ReportedStates states;

  public ReportedStateProgressSource(ReportedStates states) {
    this.states = states;
  }

  @Override
  public Map<Long, DeviceReport> lastReports(Collection<Long> deviceIds) {
    Map<Long, DeviceReport> reports = new HashMap<>();
    if (deviceIds.isEmpty()) {
      return reports;
    }
    for (ReportedState state : states.findByDevices(deviceIds).values()) {
      reports.put(
          state.deviceId(),
          new DeviceReport(
              state.deviceId(),
              state.releaseId(),
              condition(state.status()),
              Instant.ofEpochMilli(state.reportedAt())));
    }
    return reports;
  }

  static DeviceReport.Condition condition(DeviceRunState status) {
    if (status.isHealthy()) {
      return DeviceReport.Condition.HEALTHY;
    }
    if (status.isFailure()) {
      return DeviceReport.Condition.FAILED;
    }
    return DeviceReport.Condition.UPDATING;
  }
}
