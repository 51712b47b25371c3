package io.slipway.api.rollout;

import java.util.Objects;

/**
 * One group of a stored rollout.
 *
 * @param position the group's place in the rollout, from 0
 * @param spec which devices it takes
 * @param startedAt when the rollout reached it, milliseconds since the epoch; null before
 */
public record RolloutGroup(int position, RolloutGroupSpec spec, Long startedAt) {

  public RolloutGroup {
    Objects.requireNonNull(spec, "spec");
    if (position < 0) {
      throw new IllegalArgumentException("Rollout group position " + position + " is negative");
    }
  }

  public boolean started() {
    return startedAt != null;
  }
}
