package io.slipway.agent.run;

import java.time.Duration;

/** When the agent polls its target state next. Called from the agent's update thread only. */
public interface PollTiming {

  /** Returns the wait after a round that succeeded, and ends any backoff. */
  Duration afterSuccess();

  /** Returns the wait after a round that failed; grows while failures repeat. */
  Duration afterFailure();

  /** Makes the timing for a poll interval. */
  @FunctionalInterface
  interface Factory {

    /**
     * @param interval the configured poll interval
     */
    PollTiming create(Duration interval);
  }
}
