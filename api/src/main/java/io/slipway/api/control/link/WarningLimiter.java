package io.slipway.api.control.link;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Caps how many WARN lines about devices' bad messages are written per minute, so that one device
 * flooding its topics with garbage cannot flood the server's log. Thread-safe.
 */
public final class WarningLimiter {

  private static final long WINDOW_MILLIS = 60_000;

  private final int maxPerWindow;
  private final Clock clock;
  private final AtomicLong windowStart = new AtomicLong();
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();

  /** Allows {@code maxPerWindow} warnings per minute by {@code clock}. */
  public WarningLimiter(int maxPerWindow, Clock clock) {
    if (maxPerWindow < 1) {
      throw new IllegalArgumentException(
          "maxPerWindow is " + maxPerWindow + ": allow at least one warning per minute");
    }
    this.maxPerWindow = maxPerWindow;
    this.clock = clock;
  }

  /**
   * Returns whether the caller may write a warning now. A new minute starts a new allowance, and
   * {@link #takeSuppressed()} returns how many were held back.
   */
  public boolean tryWarn() {
    long now = clock.millis();
    long start = windowStart.get();
    if (now - start >= WINDOW_MILLIS && windowStart.compareAndSet(start, now)) {
      used.set(0);
    }
    if (used.incrementAndGet() <= maxPerWindow) {
      return true;
    }
    suppressed.incrementAndGet();
    return false;
  }

  /**
   * Writes a WARN line to {@code log} unless this minute's allowance is used up. The first line
   * after a pause is followed by the number of lines held back.
   */
  public void warn(Logger log, String format, Object... arguments) {
    if (!tryWarn()) {
      return;
    }
    log.warn(format, arguments);
    long suppressedCount = takeSuppressed();
    if (suppressedCount > 0) {
      log.warn("{} similar warnings about devices' messages were suppressed", suppressedCount);
    }
  }

  /** Returns how many warnings were held back since the last call, and resets the count. */
  public long takeSuppressed() {
    return suppressed.getAndSet(0);
  }
}
