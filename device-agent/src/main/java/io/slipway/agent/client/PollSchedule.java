package io.slipway.agent.client;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * How long to wait before the next request to the server. After a success it waits the poll
 * interval, moved at random by up to 10% either way, so that a fleet switched on together does not
 * poll in step. After failures it waits a random time between zero and a cap ("full jitter"). The
 * cap doubles with each failure in a row, from the base backoff up to the maximum backoff, so
 * devices that lost the server together come back spread out, not in waves.
 *
 * <p>Thread-safe.
 */
public final class PollSchedule {

  /** The share of the interval by which a wait after a success may move either way. */
  static final double INTERVAL_JITTER = 0.10;

  private static final Duration DEFAULT_BASE_BACKOFF = Duration.ofSeconds(1);
  private static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(5);

  private final Duration interval;
  private final Duration baseBackoff;
  private final Duration maxBackoff;
  private final RandomGenerator random;
  private int failures;

  /**
   * Creates a schedule.
   *
   * @param interval the wait after a success, before jitter; positive
   * @param baseBackoff the cap of the wait after the first failure; positive
   * @param maxBackoff the largest cap after many failures; at least {@code baseBackoff}
   * @param random the source of jitter, such as a seeded {@link SplittableRandom} in tests. The
   *     schedule calls it only while holding its own lock, so it need not be thread-safe when
   *     nothing else uses it
   * @throws IllegalArgumentException naming a duration out of range
   */
  public PollSchedule(
      Duration interval, Duration baseBackoff, Duration maxBackoff, RandomGenerator random) {
    requirePositive("interval", interval);
    requirePositive("baseBackoff", baseBackoff);
    if (maxBackoff.compareTo(baseBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff " + maxBackoff + " is shorter than baseBackoff " + baseBackoff);
    }
    this.interval = interval;
    this.baseBackoff = baseBackoff;
    this.maxBackoff = maxBackoff;
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Returns a schedule with {@code interval}, a backoff from 1 second up to 5 minutes or the
   * interval, whichever is shorter (so backoff never waits longer than a normal poll), and a {@link
   * SplittableRandom} with a random seed.
   */
  public static PollSchedule of(Duration interval) {
    requirePositive("interval", interval);
    Duration max = interval.compareTo(DEFAULT_MAX_BACKOFF) < 0 ? interval : DEFAULT_MAX_BACKOFF;
    Duration base = max.compareTo(DEFAULT_BASE_BACKOFF) < 0 ? max : DEFAULT_BASE_BACKOFF;
    // RandomGenerator.getDefault() would need the jdk.random module, which small jlink runtimes on
    // devices leave out. SplittableRandom is in java.base, and the synchronized methods below make
    // its use thread-safe.
    return new PollSchedule(interval, base, max, new SplittableRandom());
  }

  /** Returns the poll interval before jitter. */
  public Duration interval() {
    return interval;
  }

  /**
   * Records a success and returns the wait before the next poll: the interval times a random factor
   * from 0.9 to 1.1.
   */
  public synchronized Duration afterSuccess() {
    failures = 0;
    double factor = 1 + INTERVAL_JITTER * (2 * random.nextDouble() - 1);
    return Duration.ofNanos(Math.round(interval.toNanos() * factor));
  }

  /**
   * Records a failure and returns the wait before the retry: a random time from zero up to {@code
   * min(maxBackoff, baseBackoff * 2^(failures in a row - 1))}.
   */
  public synchronized Duration afterFailure() {
    Duration cap = cap(failures);
    failures++;
    return Duration.ofNanos((long) (cap.toNanos() * random.nextDouble()));
  }

  /** Forgets earlier failures, so that the next failure waits at most the base backoff again. */
  public synchronized void reset() {
    failures = 0;
  }

  /** Returns the failures in a row since the last success or reset. */
  public synchronized int failures() {
    return failures;
  }

  private Duration cap(int earlierFailures) {
    // Doubling stops at the maximum, so the loop ends after a few dozen steps and never overflows.
    long nanos = baseBackoff.toNanos();
    for (int i = 0; i < earlierFailures && nanos < maxBackoff.toNanos(); i++) {
      nanos *= 2;
    }
    return Duration.ofNanos(Math.min(nanos, maxBackoff.toNanos()));
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " " + value + " is not a positive duration");
    }
  }
}
