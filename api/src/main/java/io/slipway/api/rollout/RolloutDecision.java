package io.slipway.api.rollout;

/** Action of a scheduler tick on a running rollout, after it counts the current group. */
public enum RolloutDecision {
  /** Enough devices of the group run the release: start the next group. */
  WIDEN,
  /** Too many devices failed, or the deadline passed without enough successes: pause. */
  PAUSE,
  /** The group is still on its way: look again at the next tick. */
  WAIT,
  /** The last group succeeded: make the release the fleet's target and finish. */
  COMPLETE
}
