package io.slipway.api.rollout;

/**
 * State of a rollout. A rollout waits for approval (when it requires it), then runs group by group,
 * may pause and resume, and ends completed or cancelled.
 */
public enum RolloutState {
  /** Created with {@code requiresApproval}; no device has moved yet. */
  WAITING_APPROVAL,
  /** Groups are started and evaluated by the scheduler tick. */
  RUNNING,
  /** Stopped by a person or by failures; the tick leaves it alone until it is resumed. */
  PAUSED,
  /** Every group started and the fleet's target is the rollout's release. */
  COMPLETED,
  /** Stopped for good; the devices it moved went back to the fleet's target. */
  CANCELLED;

  /** Returns true for COMPLETED and CANCELLED, from which no transition leads out. */
  public boolean finished() {
    return this == COMPLETED || this == CANCELLED;
  }
}
