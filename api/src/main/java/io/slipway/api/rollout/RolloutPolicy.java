package io.slipway.api.rollout;

import java.time.Duration;
import java.util.Objects;

/**
 * When a rollout widens and when it stops.
 *
 * @param successThreshold share of a group's devices, from 0 to 1, that must report the release
 *     running and healthy before the next group starts
 * @param failureThreshold share of a group's devices, from 0 to 1, whose failure pauses the rollout
 *     once it is exceeded
 * @param deadline time each group's devices have, from the group's start, to report the release
 *     running. A device that has not done so by then counts as failed.
 */
public record RolloutPolicy(double successThreshold, double failureThreshold, Duration deadline) {

  /** Share that must be healthy when the request names none. */
  public static final double DEFAULT_SUCCESS_THRESHOLD = 0.9;

  /** Share of failures that pauses when the request names none. */
  public static final double DEFAULT_FAILURE_THRESHOLD = 0.1;

  /** Deadline of each group when the request names none. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(30);

  public RolloutPolicy {
    Objects.requireNonNull(deadline, "deadline");
    requireShare("successThreshold", successThreshold);
    requireShare("failureThreshold", failureThreshold);
    if (successThreshold == 0) {
      throw new IllegalArgumentException(
          "successThreshold 0 would widen without a single healthy device: use a share above 0,"
              + " such as 0.9");
    }
    if (deadline.isNegative() || deadline.isZero() || deadline.compareTo(MAX_DEADLINE) > 0) {
      throw new IllegalArgumentException(
          "deadline "
              + deadline
              + " is not between zero and "
              + MAX_DEADLINE
              + ": use a duration such as PT30M, so that no group waits forever");
    }
  }

  /** Maximum deadline per group: a week, so that a silent device fails within a bounded time. */
  static final Duration MAX_DEADLINE = Duration.ofDays(7);

  private static void requireShare(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(
          name + " " + value + " is not a share between 0 and 1: write it as, for example, 0.9");
    }
  }
}
