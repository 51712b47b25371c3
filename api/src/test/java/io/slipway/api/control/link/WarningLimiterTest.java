package io.slipway.api.control.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WarningLimiterTest {

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    private long millis;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  @Test
  void warningsBeyondAllowanceAreCounted() {
    WarningLimiter limiter = new WarningLimiter(2, new ManualClock());

    assertThat(limiter.tryWarn()).isTrue();
    assertThat(limiter.tryWarn()).isTrue();
    assertThat(limiter.tryWarn()).isFalse();
    assertThat(limiter.takeSuppressed()).isEqualTo(1);
    assertThat(limiter.takeSuppressed()).isZero();
  }

  @Test
  void newMinuteRenewsAllowance() {
    ManualClock clock = new ManualClock();
    WarningLimiter limiter = new WarningLimiter(1, clock);
    limiter.tryWarn();

    clock.millis = 60_000;

    assertThat(limiter.tryWarn()).isTrue();
  }
}
