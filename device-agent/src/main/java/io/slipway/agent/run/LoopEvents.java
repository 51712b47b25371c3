package io.slipway.agent.run;

import io.slipway.agent.AgentException;
import io.slipway.agent.store.InstalledRelease;
import java.time.Duration;

/**
 * Callbacks for what an agent's loop did, for counters such as the simulation's summary. Called
 * from the loop's thread; implementations must be quick and thread-safe, because several loops may
 * share one.
 */
public interface LoopEvents {

  /** Ignores every event. */
  LoopEvents NONE = new LoopEvents() {};

  /** The device is registered and its parts are ready. */
  default void started(String device) {}

  /**
   * One poll of the target state ended.
   *
   * @param latency from sending the request to the parsed response
   * @param modified false for {@code 304 Not Modified}
   */
  default void polled(String device, Duration latency, boolean modified) {}

  /** The device switched to {@code release}. */
  default void switched(String device, InstalledRelease release) {}

  /**
   * A round failed with {@code failure}, usually an {@link AgentException}, else an unexpected
   * unchecked exception or {@link LinkageError}; the loop goes on after a backoff.
   */
  default void failed(String device, Throwable failure) {}
}
