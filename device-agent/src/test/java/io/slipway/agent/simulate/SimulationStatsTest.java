package io.slipway.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulationStatsTest {

  private final SimulationStats stats = new SimulationStats();

  @Test
  void percentilesOfPollLatencies() {
    for (int millis = 1; millis <= 100; millis++) {
      stats.polled("dev", Duration.ofMillis(millis), true);
    }

    assertThat(stats.percentileMillis(50)).isEqualTo(50);
    assertThat(stats.percentileMillis(95)).isEqualTo(95);
  }

  @Test
  void latencyOverAMinuteCountsAsAMinute() {
    stats.polled("dev", Duration.ofMinutes(5), true);

    assertThat(stats.percentileMillis(50)).isEqualTo(60_000);
  }

  @Test
  void summaryCountsEachOutcome() {
    stats.started("a");
    stats.polled("a", Duration.ofMillis(3), false);
    stats.polled("a", Duration.ofMillis(3), true);
    stats.failedToStart();

    assertThat(stats.summary(2))
        .isEqualTo(
            "simulated 2 devices: registered 1, polls 2, not modified 1, updates 0, errors 1,"
                + " poll latency p50 3 ms, p95 3 ms");
  }
}
