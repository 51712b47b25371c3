package io.slipway.api.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnpackPermitsTest {

  @Test
  void acquireTimesOutWhenAllTaken() {
    UnpackPermits permits = new UnpackPermits(1);
    permits.acquire(Duration.ZERO).orElseThrow();

    assertThat(permits.acquire(Duration.ofMillis(10))).isEmpty();
  }

  @Test
  void doubleReleaseFreesOneTurn() {
    UnpackPermits permits = new UnpackPermits(2);
    UnpackPermits.Permit permit = permits.acquire(Duration.ZERO).orElseThrow();
    permits.acquire(Duration.ZERO).orElseThrow();

    permit.release();
    permit.release();

    assertThat(permits.available()).isEqualTo(1);
  }
}
