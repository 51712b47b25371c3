package io.slipway.agent.simulate;

import io.slipway.agent.run.LoopEvents;
import io.slipway.agent.store.InstalledRelease;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of a simulation: devices registered, polls, {@code 304} responses, switches, failed
 * rounds, and poll latencies in a histogram of whole milliseconds up to one minute (longer ones
 * count as one minute). Thread-safe; memory stays the same whatever the number of polls.
 */
final class SimulationStats implements LoopEvents {

  private static final int MAX_MILLIS = 60_000;

  private final AtomicLong registered = new AtomicLong();
  private final AtomicLong polls = new AtomicLong();
  private final AtomicLong notModified = new AtomicLong();
  private final AtomicLong updates = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLongArray latencies = new AtomicLongArray(MAX_MILLIS + 1);

  @Override
  public void started(String device) {
    registered.incrementAndGet();
  }

  @Override
  public void polled(String device, Duration latency, boolean modified) {
    polls.incrementAndGet();
    if (!modified) {
      notModified.incrementAndGet();
    }
    latencies.incrementAndGet((int) Math.min(MAX_MILLIS, latency.toMillis()));
  }

  @Override
  public void switched(String device, InstalledRelease release) {
    updates.incrementAndGet();
  }

  @Override
  public void failed(String device, Throwable failure) {
    errors.incrementAndGet();
  }

  /** Counts a device that could not start, such as one whose registration was rejected. */
  void failedToStart() {
    errors.incrementAndGet();
  }

  long registered() {
    return registered.get();
  }

  /**
   * Returns the latency below which {@code percent} of the polls fell, in milliseconds; 0 before
   * the first poll.
   */
  long percentileMillis(double percent) {
    long total = polls.get();
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(total * percent / 100.0);
    long seen = 0;
    for (int millis = 0; millis <= MAX_MILLIS; millis++) {
      seen += latencies.get(millis);
      if (seen >= rank) {
        return millis;
      }
    }
    return MAX_MILLIS;
  }

  /** Returns the one-line summary the simulation prints at its end. */
  String summary(int devices) {
    return "simulated "
        + devices
        + " devices: registered "
        + registered.get()
        + ", polls "
        + polls.get()
        + ", not modified "
        + notModified.get()
        + ", updates "
        + updates.get()
        + ", errors "
        + errors.get()
        + ", poll latency p50 "
        + percentileMillis(50)
        + " ms, p95 "
        + percentileMillis(95)
        + " ms";
  }
}
