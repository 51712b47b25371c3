package io.slipway.systemtest.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that an agent reaches on its own time, or checks that one lasts, looking
 * twice a second.
 */
public final class Poll {

  private static final Duration PAUSE = Duration.ofMillis(500);

  private Poll() {}

  /**
   * Returns the first value {@code check} returns within {@code timeout}.
   *
   * @param what what is awaited, for the failure message
   * @param diagnosis called once on timeout for text that explains the state, such as a log tail
   * @throws AssertionError when {@code timeout} passes first
   */
  public static <T> T until(
      Duration timeout, String what, Supplier<Optional<T>> check, Supplier<String> diagnosis) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Optional<T> value = check.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "Timed out after " + timeout + " waiting for " + what + "\n" + diagnosis.get());
      }
      pause(what);
    }
  }

  /**
   * Checks {@code check} twice a second for {@code period}, for a state that must last, such as a
   * device that stays disconnected.
   *
   * @param what what must hold, for the failure message
   * @param diagnosis called once on failure for text that explains the state
   * @throws AssertionError at the first check that returns false
   */
  public static void holds(
      Duration period, String what, BooleanSupplier check, Supplier<String> diagnosis) {
    Instant end = Instant.now().plus(period);
    while (true) {
      if (!check.getAsBoolean()) {
        throw new AssertionError("No longer true: " + what + "\n" + diagnosis.get());
      }
      if (Instant.now().isAfter(end)) {
        return;
      }
      pause(what);
    }
  }

  private static void pause(String what) {
    try {
      Thread.sleep(PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for " + what, e);
    }
  }
}
