package io.slipway.api.git;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds how many pushes receive and check their packs at once, server-wide. Inflating and hashing
 * a pack takes memory up to the largest object allowed, so a fixed number of turns bounds the
 * memory all pushes together take. Thread-safe.
 */
final class UnpackPermits {

  private final Semaphore turns;

  /**
   * @param count how many pushes may unpack at once, at least 1
   */
  UnpackPermits(int count) {
    this.turns = new Semaphore(count, true);
  }

  /**
   * Waits up to {@code wait} for a turn.
   *
   * @return the turn, or empty when none became free in time or the thread was interrupted
   */
  Optional<Permit> acquire(Duration wait) {
    try {
      if (turns.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.of(new Permit(turns));
      }
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Returns how many turns are free now. */
  int available() {
    return turns.availablePermits();
  }

  /** One push's turn. {@link #release} may be called any number of times, from any thread. */
  static final class Permit {

    private final Semaphore turns;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(Semaphore turns) {
      this.turns = turns;
    }

    /** Gives the turn back; later calls do nothing. */
    void release() {
      if (released.compareAndSet(false, true)) {
        turns.release();
      }
    }
  }
}
