package io.slipway.api.rollout;

/**
 * Counts of the devices of one rollout group at one moment.
 *
 * @param targeted devices the group moved to the release
 * @param runningHealthy devices that report the release running and healthy
 * @param failed devices that report a failure, or that were silent past the group's deadline
 * @param pending the rest: devices still on their way
 */
public record GroupCounts(int targeted, int runningHealthy, int failed, int pending) {

  public GroupCounts {
    if (targeted < 0 || runningHealthy < 0 || failed < 0 || pending < 0) {
      throw new IllegalArgumentException(
          "Group counts must not be negative: targeted="
              + targeted
              + ", runningHealthy="
              + runningHealthy
              + ", failed="
              + failed
              + ", pending="
              + pending);
    }
    if (runningHealthy + failed + pending != targeted) {
      throw new IllegalArgumentException(
          "Group counts do not add up: runningHealthy="
              + runningHealthy
              + " + failed="
              + failed
              + " + pending="
              + pending
              + " differs from targeted="
              + targeted);
    }
  }

  /** Counts of a group with no devices. */
  public static GroupCounts empty() {
    return new GroupCounts(0, 0, 0, 0);
  }

  /** Returns the share of targeted devices that run the release healthy; 0 for an empty group. */
  public double healthyShare() {
    return targeted == 0 ? 0 : (double) runningHealthy / targeted;
  }

  /** Returns the share of targeted devices that failed; 0 for an empty group. */
  public double failedShare() {
    return targeted == 0 ? 0 : (double) failed / targeted;
  }
}
