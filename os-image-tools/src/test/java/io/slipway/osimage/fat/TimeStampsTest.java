package io.slipway.osimage.fat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeStampsTest {

  @Test
  void encodesInUtc() {
    long millis = Instant.parse("2026-03-14T15:09:27.900Z").toEpochMilli();

    assertThat(TimeStamps.dosDate(millis)).isEqualTo((2026 - 1980) << 9 | 3 << 5 | 14);
    assertThat(TimeStamps.dosTime(millis)).isEqualTo(15 << 11 | 9 << 5 | 13);
  }

  @Test
  void clampsBefore1980() {
    assertThat(TimeStamps.dosDate(0)).isEqualTo(1 << 5 | 1);
    assertThat(TimeStamps.dosTime(0)).isZero();
  }

  @Test
  void clampsAfter2107() {
    long millis = Instant.parse("2200-01-01T00:00:00Z").toEpochMilli();

    assertThat(TimeStamps.dosDate(millis)).isEqualTo(127 << 9 | 12 << 5 | 31);
    assertThat(TimeStamps.dosTime(millis)).isEqualTo(23 << 11 | 59 << 5 | 29);
  }
}
