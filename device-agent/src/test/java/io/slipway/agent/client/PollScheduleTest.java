package io.slipway.agent.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PollScheduleTest {

  private final PollSchedule schedule =
      new PollSchedule(
          Duration.ofSeconds(100), Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(42));

  @Test
  void afterSuccessStaysWithinTenPercent() {
    for (int i = 0; i < 1_000; i++) {
      assertThat(schedule.afterSuccess())
          .isBetween(Duration.ofSeconds(90), Duration.ofSeconds(110));
    }
  }

  @Test
  void afterSuccessSpreadsWaits() {
    long shortest = Long.MAX_VALUE;
    long longest = 0;
    for (int i = 0; i < 1_000; i++) {
      long millis = schedule.afterSuccess().toMillis();
      shortest = Math.min(shortest, millis);
      longest = Math.max(longest, millis);
    }

    assertThat(shortest).isLessThan(92_000);
    assertThat(longest).isGreaterThan(108_000);
  }

  @Test
  void afterFailureCapDoublesUpToMaximum() {
    long[] expectedCaps = {1, 2, 4, 8, 16, 32, 60, 60};
    for (long cap : expectedCaps) {
      assertThat(schedule.afterFailure()).isBetween(Duration.ZERO, Duration.ofSeconds(cap));
    }
    assertThat(schedule.failures()).isEqualTo(expectedCaps.length);
  }

  @Test
  void afterFailureUsesWholeRange() {
    long longest = 0;
    for (int i = 0; i < 200; i++) {
      schedule.reset();
      for (int step = 0; step < 10; step++) {
        longest = Math.max(longest, schedule.afterFailure().toMillis());
      }
    }

    assertThat(longest).isGreaterThan(50_000);
  }

  @Test
  void manyFailuresNeverOverflow() {
    for (int i = 0; i < 10_000; i++) {
      assertThat(schedule.afterFailure()).isBetween(Duration.ZERO, Duration.ofSeconds(60));
    }
  }

  @Test
  void successResetsBackoff() {
    for (int i = 0; i < 8; i++) {
      schedule.afterFailure();
    }

    schedule.afterSuccess();

    assertThat(schedule.failures()).isZero();
    assertThat(schedule.afterFailure()).isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void resetForgetsFailures() {
    schedule.afterFailure();
    schedule.afterFailure();

    schedule.reset();

    assertThat(schedule.failures()).isZero();
  }

  @Test
  void ofCapsBackoffAtShortInterval() {
    PollSchedule fast = PollSchedule.of(Duration.ofMillis(200));

    for (int i = 0; i < 20; i++) {
      assertThat(fast.afterFailure()).isLessThanOrEqualTo(Duration.ofMillis(200));
    }
  }

  @Test
  void rejectsZeroInterval() {
    assertThatThrownBy(() -> PollSchedule.of(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval PT0S");
  }
}
