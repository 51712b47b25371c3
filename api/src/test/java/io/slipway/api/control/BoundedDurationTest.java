package io.slipway.api.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BoundedDurationTest {

  private final BoundedDuration range =
      new BoundedDuration(Duration.ofMinutes(1), Duration.ofDays(7), ErrorCode.INVALID_PARAMETER);

  @Test
  void acceptsBothEnds() {
    assertThat(range.parse("for", "PT1M")).isEqualTo(Duration.ofMinutes(1));
    assertThat(range.parse("for", "P7D")).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void rejectsValuesOutsideRange() {
    assertThatThrownBy(() -> range.parse("for", "PT59S"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("PT59S")
        .hasMessageContaining("PT1M to PT168H");
    assertThatThrownBy(() -> range.parse("for", "P7DT1S")).hasMessageContaining("P7DT1S");
    assertThatThrownBy(() -> range.parse("for", "-PT2H")).hasMessageContaining("-PT2H");
  }

  @Test
  void rejectsTextThatIsNoDuration() {
    assertThatThrownBy(() -> range.parse("for", "2 hours"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("'2 hours' is not an ISO-8601 duration");
  }
}
