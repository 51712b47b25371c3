package io.slipway.api.rollout;

import java.util.List;
import java.util.Map;

/**
 * A rollout as the API sends it, with the counts of each group it has started.
 *
 * @param id row id
 * @param fleet {@code <org>/<fleet>}
 * @param releaseId the release the fleet moves to
 * @param state the rollout's state
 * @param currentGroup position of the last group started; -1 before the first
 * @param version counter bumped by every change
 * @param successThreshold share of a group that must run the release healthy to widen
 * @param failureThreshold share of a group whose failure pauses the rollout once exceeded
 * @param deadline each group's deadline, as an ISO-8601 duration
 * @param requiresApproval true when it waited, or waits, for approval
 * @param reason why it paused or was cancelled, or null
 * @param createdBy who created it
 * @param createdAt creation time, milliseconds since the epoch
 * @param approvedBy who approved it, or null
 * @param groupStartedAt when the current group's deadline began, or null
 * @param finishedAt when it completed or was cancelled, or null
 * @param groups every group, started or not
 */
public record RolloutView(
    long id,
    String fleet,
    long releaseId,
    RolloutState state,
    int currentGroup,
    long version,
    double successThreshold,
    double failureThreshold,
    String deadline,
    boolean requiresApproval,
    String reason,
    String createdBy,
    long createdAt,
    String approvedBy,
    Long groupStartedAt,
    Long finishedAt,
    List<GroupView> groups) {

  /**
   * One group as sent. Counts are 0 for a group not started yet.
   *
   * @param position place in the rollout, from 0
   * @param percentage cumulative share of the fleet, or null for a tag group
   * @param tag the tag, or null for a percentage group
   * @param started true once the rollout reached it
   * @param startedAt when it started, or null
   * @param targeted devices it moved
   * @param runningHealthy devices that report the release running and healthy
   * @param failed devices that report a failure or were silent past the deadline
   * @param pending devices still on their way
   */
  public record GroupView(
      int position,
      Integer percentage,
      String tag,
      boolean started,
      Long startedAt,
      int targeted,
      int runningHealthy,
      int failed,
      int pending) {}

  /** Builds the view of {@code rollout} with {@code counts} by group position. */
  public static RolloutView of(Rollout rollout, String fleet, Map<Integer, GroupCounts> counts) {
    List<GroupView> groups =
        rollout.groups().stream()
            .map(
                group -> {
                  GroupCounts count = counts.getOrDefault(group.position(), GroupCounts.empty());
                  return new GroupView(
                      group.position(),
                      group.spec().percentage(),
                      group.spec().tag(),
                      group.started(),
                      group.startedAt(),
                      count.targeted(),
                      count.runningHealthy(),
                      count.failed(),
                      count.pending());
                })
            .toList();
    return new RolloutView(
        rollout.id(),
        fleet,
        rollout.releaseId(),
        rollout.state(),
        rollout.currentGroup(),
        rollout.version(),
        rollout.policy().successThreshold(),
        rollout.policy().failureThreshold(),
        rollout.policy().deadline().toString(),
        rollout.requiresApproval(),
        rollout.reason(),
        rollout.createdBy(),
        rollout.createdAt(),
        rollout.approvedBy(),
        rollout.groupStartedAt(),
        rollout.finishedAt(),
        groups);
  }
}
