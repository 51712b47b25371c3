package io.slipway.api.delta;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class DeltaPropertiesTest {

  @Test
  void defaultsAreAccepted() {
    assertThatNoException().isThrownBy(() -> properties(3, 1, Duration.ofSeconds(5)));
  }

  @Test
  void zeroSourceReleasesIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> properties(0, 1, Duration.ofSeconds(5)))
        .withMessageContaining("slipway.delta.source-releases is 0");
  }

  @Test
  void zeroThreadsIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> properties(3, 0, Duration.ofSeconds(5)))
        .withMessageContaining("slipway.delta.threads is 0");
  }

  @Test
  void retryAfterBelowOneSecondIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> properties(3, 1, Duration.ofMillis(500)))
        .withMessageContaining("slipway.delta.retry-after");
  }

  private static DeltaProperties properties(int sourceReleases, int threads, Duration retryAfter) {
    return new DeltaProperties(
        true,
        sourceReleases,
        DataSize.ofGigabytes(10),
        Duration.ofDays(30),
        threads,
        retryAfter,
        Duration.ofMinutes(30),
        Duration.ofMinutes(10));
  }
}
