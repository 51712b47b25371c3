package io.slipway.agent.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationOptionTest {

  private final DurationOption option = new DurationOption();

  @Test
  void secondsWithUnit() {
    assertThat(option.convert("1s")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void millisecondsWithUnit() {
    assertThat(option.convert("500ms")).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void minutesAndHoursWithUnit() {
    assertThat(option.convert("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(option.convert("2h")).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void isoForm() {
    assertThat(option.convert("PT30S")).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void zeroIsRejected() {
    assertThatThrownBy(() -> option.convert("0s"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'0s'");
  }

  @Test
  void unknownUnitIsRejected() {
    assertThatThrownBy(() -> option.convert("3d"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'3d'");
  }

  @Test
  void missingNumberIsRejected() {
    assertThatThrownBy(() -> option.convert("s")).isInstanceOf(TypeConversionException.class);
  }
}
