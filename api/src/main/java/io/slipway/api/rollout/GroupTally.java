package io.slipway.api.rollout;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Counts the devices of one rollout group from their last reports. Pure and safe for concurrent
 * use.
 *
 * <p>A device counts as running healthy when it reports the rollout's release healthy. It counts as
 * failed when it reports that release failed, or when it reports a failure after its group started
 * (an update that never reached the release). Past the group's deadline, every device that does not
 * run healthy counts as failed, so a silent device cannot hold a rollout forever. Every other
 * device is pending.
 */
public final class GroupTally {

  private GroupTally() {}

  /**
   * Returns the counts of a group.
   *
   * @param deviceIds row ids of the devices the group moved
   * @param reports last report per device id; devices without a report are absent
   * @param releaseId the rollout's release
   * @param groupStartedAt when the group started
   * @param policy the rollout's deadline
   * @param now the time of the evaluation
   */
  public static GroupCounts count(
      Collection<Long> deviceIds,
      Map<Long, DeviceReport> reports,
      long releaseId,
      Instant groupStartedAt,
      RolloutPolicy policy,
      Instant now) {
    boolean deadlinePassed = RolloutDecider.deadlinePassed(policy, groupStartedAt, now);
    int healthy = 0;
    int failed = 0;
    for (Long deviceId : deviceIds) {
      DeviceReport report = reports.get(deviceId);
      if (runsHealthy(report, releaseId)) {
        healthy++;
      } else if (deadlinePassed || reportsFailure(report, releaseId, groupStartedAt)) {
        failed++;
      }
    }
    int targeted = deviceIds.size();
    return new GroupCounts(targeted, healthy, failed, targeted - healthy - failed);
  }

  private static boolean runsHealthy(DeviceReport report, long releaseId) {
    return report != null
        && report.releaseId() != null
        && report.releaseId() == releaseId
        && report.condition() == DeviceReport.Condition.HEALTHY;
  }

  private static boolean reportsFailure(
      DeviceReport report, long releaseId, Instant groupStartedAt) {
    if (report == null || report.condition() != DeviceReport.Condition.FAILED) {
      return false;
    }
    boolean onRelease = report.releaseId() != null && report.releaseId() == releaseId;
    return onRelease || !report.reportedAt().isBefore(groupStartedAt);
  }
}
