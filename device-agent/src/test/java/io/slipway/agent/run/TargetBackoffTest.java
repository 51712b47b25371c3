package io.slipway.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.TargetState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetBackoffTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final TargetState TARGET = new TargetState("e2", 2L, "v2", Map.of(), Map.of());

  private final TargetBackoff backoff = new TargetBackoff(Duration.ofMinutes(10));

  @Test
  void waitDoublesWithEachFailure() {
    backoff.failed(TARGET, AgentFailure.VERIFICATION_FAILED, NOW);
    backoff.failed(TARGET, AgentFailure.VERIFICATION_FAILED, NOW);

    assertThat(backoff.failed(TARGET, AgentFailure.VERIFICATION_FAILED, NOW))
        .contains(NOW.plus(Duration.ofMinutes(40)));
  }

  @Test
  void waitStopsGrowingAtSixHours() {
    for (int i = 0; i < 100; i++) {
      backoff.failed(TARGET, AgentFailure.DOWNLOAD_FAILED, NOW);
    }

    assertThat(backoff.retryAt()).isEqualTo(NOW.plus(Duration.ofHours(6)));
  }

  @Test
  void unreachableServerIsRetriedAtOnce() {
    backoff.failed(TARGET, AgentFailure.SERVER_UNAVAILABLE, NOW);

    assertThat(backoff.holds(TARGET, NOW)).isFalse();
  }

  @Test
  void newEtagIsTriedAtOnce() {
    backoff.failed(TARGET, AgentFailure.VERIFICATION_FAILED, NOW);
    TargetState republished = new TargetState("e3", 2L, "v2", Map.of(), Map.of());

    assertThat(backoff.holds(republished, NOW)).isFalse();
  }

  @Test
  void sameTargetIsHeldUntilItsTime() {
    backoff.failed(TARGET, AgentFailure.VERIFICATION_FAILED, NOW);

    assertThat(backoff.holds(TARGET, NOW.plus(Duration.ofMinutes(9)))).isTrue();
    assertThat(backoff.holds(TARGET, NOW.plus(Duration.ofMinutes(10)))).isFalse();
  }
}
