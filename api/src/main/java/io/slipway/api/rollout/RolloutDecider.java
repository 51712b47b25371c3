package io.slipway.api.rollout;

import java.time.Instant;
import java.util.Objects;

/**
 * Decides what to do with a running rollout from the counts of its current group. Pure: it reads
 * nothing but its arguments, so the same counts and times always give the same decision. Safe for
 * concurrent use.
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li>A group without devices (a tag that no device carries) is done at once.
 *   <li>More failures than {@code failureThreshold} of the group pauses.
 *   <li>At least {@code successThreshold} of the group running healthy widens, or completes after
 *       the last group.
 *   <li>Past the group's deadline without enough successes pauses, so no rollout waits forever; the
 *       caller has already counted the silent devices as failed.
 *   <li>Otherwise the rollout waits.
 * </ol>
 */
public final class RolloutDecider {

  // Shares are compared as products with the group size; the tolerance absorbs the rounding of
  // thresholds such as 0.9 that binary fractions cannot hold exactly.
  private static final double TOLERANCE = 1e-9;

  private RolloutDecider() {}

  /**
   * Returns the decision for the current group.
   *
   * @param counts the current group's devices, with silent devices past the deadline as failed
   * @param policy the rollout's thresholds and deadline
   * @param lastGroup true when the current group is the rollout's last
   * @param groupStartedAt when the current group started
   * @param now the time of the evaluation
   */
  public static RolloutDecision decide(
      GroupCounts counts,
      RolloutPolicy policy,
      boolean lastGroup,
      Instant groupStartedAt,
      Instant now) {
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(groupStartedAt, "groupStartedAt");
    Objects.requireNonNull(now, "now");
    RolloutDecision advance = lastGroup ? RolloutDecision.COMPLETE : RolloutDecision.WIDEN;

    if (counts.targeted() == 0) {
      return advance;
    }

    if (counts.failed() > policy.failureThreshold() * counts.targeted() + TOLERANCE) {
      return RolloutDecision.PAUSE;
    }

    if (counts.runningHealthy() >= policy.successThreshold() * counts.targeted() - TOLERANCE) {
      return advance;
    }

    if (deadlinePassed(policy, groupStartedAt, now)) {
      return RolloutDecision.PAUSE;
    }
    return RolloutDecision.WAIT;
  }

  /** Returns true when {@code now} is at or after the group's start plus the deadline. */
  public static boolean deadlinePassed(RolloutPolicy policy, Instant groupStartedAt, Instant now) {
    return !now.isBefore(groupStartedAt.plus(policy.deadline()));
  }
}
