package io.slipway.api.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.rollout.DeviceReport.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupTallyTest {

  private static final long RELEASE = 7;
  private static final long OLD_RELEASE = 6;
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final RolloutPolicy POLICY = new RolloutPolicy(0.9, 0.1, Duration.ofMinutes(30));

  private static GroupCounts count(Map<Long, DeviceReport> reports, Duration elapsed) {
    return GroupTally.count(
        List.of(1L, 2L, 3L, 4L), reports, RELEASE, START, POLICY, START.plus(elapsed));
  }

  private static DeviceReport report(long device, Long release, Condition condition, long second) {
    return new DeviceReport(device, release, condition, START.plusSeconds(second));
  }

  @Test
  void silentDeviceIsPendingBeforeDeadline() {
    assertThat(count(Map.of(), Duration.ofMinutes(5))).isEqualTo(new GroupCounts(4, 0, 0, 4));
  }

  @Test
  void silentDeviceFailsAtDeadline() {
    assertThat(count(Map.of(), Duration.ofMinutes(30))).isEqualTo(new GroupCounts(4, 0, 4, 0));
  }

  @Test
  void healthyReportCountsAsRunningHealthy() {
    Map<Long, DeviceReport> reports = Map.of(1L, report(1, RELEASE, Condition.HEALTHY, 10));

    assertThat(count(reports, Duration.ofMinutes(5))).isEqualTo(new GroupCounts(4, 1, 0, 3));
  }

  @Test
  void oldReleaseReportIsPending() {
    Map<Long, DeviceReport> reports = Map.of(1L, report(1, OLD_RELEASE, Condition.HEALTHY, 10));

    assertThat(count(reports, Duration.ofMinutes(5))).isEqualTo(new GroupCounts(4, 0, 0, 4));
  }

  @Test
  void updatingDeviceFailsPastDeadline() {
    Map<Long, DeviceReport> reports = Map.of(1L, report(1, RELEASE, Condition.UPDATING, 10));

    assertThat(count(reports, Duration.ofHours(1))).isEqualTo(new GroupCounts(4, 0, 4, 0));
  }

  @Test
  void failedReportCountsAsFailed() {
    Map<Long, DeviceReport> reports = Map.of(1L, report(1, RELEASE, Condition.FAILED, 10));

    assertThat(count(reports, Duration.ofMinutes(5))).isEqualTo(new GroupCounts(4, 0, 1, 3));
  }

  @Test
  void oldReleaseFailureAfterStartFails() {
    Map<Long, DeviceReport> reports = Map.of(1L, report(1, OLD_RELEASE, Condition.FAILED, 10));

    assertThat(count(reports, Duration.ofMinutes(5))).isEqualTo(new GroupCounts(4, 0, 1, 3));
  }

  @Test
  void oldReleaseFailureBeforeStartIsPending() {
    Map<Long, DeviceReport> reports = Map.of(1L, report(1, OLD_RELEASE, Condition.FAILED, -60));

    assertThat(count(reports, Duration.ofMinutes(5))).isEqualTo(new GroupCounts(4, 0, 0, 4));
  }

  @Test
  void healthyDeviceStaysHealthyPastDeadline() {
    Map<Long, DeviceReport> reports = Map.of(2L, report(2, RELEASE, Condition.HEALTHY, 10));

    assertThat(count(reports, Duration.ofHours(1))).isEqualTo(new GroupCounts(4, 1, 3, 0));
  }

  @Test
  void reportsOutsideTheGroupAreIgnored() {
    Map<Long, DeviceReport> reports = Map.of(99L, report(99, RELEASE, Condition.FAILED, 10));

    assertThat(count(reports, Duration.ofMinutes(5))).isEqualTo(new GroupCounts(4, 0, 0, 4));
  }
}
