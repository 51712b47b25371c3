package io.slipway.api.rollout;

import java.util.List;
import java.util.Objects;

/**
 * A stored rollout. Immutable: a snapshot of the row at the time it was read.
 *
 * @param id row id
 * @param fleetId the fleet it moves
 * @param releaseId the release it moves the fleet to
 * @param state its current state
 * @param currentGroup position of the last group started; -1 before the first
 * @param version counter bumped by every change of the rollout
 * @param policy its thresholds and deadline
 * @param requiresApproval true when it waited, or waits, for a release manager's approval
 * @param groupStartedAt when the deadline of the current group began, milliseconds since the epoch;
 *     null before the first group
 * @param reason why it paused or was cancelled; null otherwise
 * @param createdBy subject of the actor who created it
 * @param createdAt creation time, milliseconds since the epoch
 * @param approvedBy subject of the actor who approved it; null when it needed no approval or has
 *     none
 * @param finishedAt when it completed or was cancelled; null before
 * @param groups its groups in order; the last is 100% of the fleet
 */
public record Rollout(
    long id,
    long fleetId,
    long releaseId,
    RolloutState state,
    int currentGroup,
    long version,
    RolloutPolicy policy,
    boolean requiresApproval,
    Long groupStartedAt,
    String reason,
    String createdBy,
    long createdAt,
    String approvedBy,
    Long finishedAt,
    List<RolloutGroup> groups) {

  public Rollout {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(createdBy, "createdBy");
    groups = List.copyOf(groups);
  }

  /** Returns true when the current group is the last one. */
  public boolean atLastGroup() {
    return currentGroup == groups.size() - 1;
  }
}
