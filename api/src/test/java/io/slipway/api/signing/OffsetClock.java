package io.slipway.api.signing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.context.annotation.Primary;

/**
 * A clock that runs with the real time plus an offset that a test can advance. Given to a test
 * server as an extra source ({@code --spring.main.sources}), it replaces the server's clock, so a
 * test can let signed states age without sleeping. Thread-safe.
 */
@Primary
public class OffsetClock extends Clock {

  private volatile Duration offset = Duration.ZERO;
  private volatile Instant frozenAt;

  /** Moves the clock forward by {@code duration}. */
  public synchronized void advance(Duration duration) {
    offset = offset.plus(duration);
  }

  /** Stops the clock at its current instant until {@link #resume()}. */
  public void freeze() {
    frozenAt = instant();
  }

  /** Lets the clock run again from the real time plus the offset. */
  public void resume() {
    frozenAt = null;
  }

  @Override
  public Instant instant() {
    Instant frozen = frozenAt;
    return frozen != null ? frozen : Instant.now().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("The test clock stays in UTC");
  }
}
