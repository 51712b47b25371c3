package io.slipway.api.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.rollout.DeviceReport.Condition;
import io.slipway.api.targetstate.DeviceRunState;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportedStateProgressSourceTest {

  @Test
  void everyReportedStatusMapsToACondition() {
    Map<DeviceRunState, Condition> conditions = new EnumMap<>(DeviceRunState.class);
    for (DeviceRunState status : DeviceRunState.values()) {
      conditions.put(status, ReportedStateProgressSource.condition(status));
    }

    assertThat(conditions)
        .containsEntry(DeviceRunState.RUNNING, Condition.HEALTHY)
        .containsEntry(DeviceRunState.UNHEALTHY, Condition.FAILED)
        .containsEntry(DeviceRunState.EXITED, Condition.FAILED)
        .containsEntry(DeviceRunState.FAILED, Condition.FAILED)
        .containsEntry(DeviceRunState.DOWNLOADING, Condition.UPDATING)
        .containsEntry(DeviceRunState.INSTALLING, Condition.UPDATING)
        .containsEntry(DeviceRunState.IDLE, Condition.UPDATING);
  }
}
