package io.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

  private final DurationConverter converter = new DurationConverter();

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({"30s, PT30S", "10m, PT10M", "1h, PT1H", "2d, PT48H", "0s, PT0S"})
  void shortFormsAreRead(String text, String expected) {
    assertThat(converter.convert(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"PT1H", "PT10M", "P2D", "pt90s"})
  void isoFormIsRead(String text) {
    assertThat(converter.convert(text)).isEqualTo(Duration.parse(text));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1hour", "h", "1 h", "1.5h", "-1h", "-PT1H", "1w", "", "9999999999d"})
  void invalidTextIsRejected(String text) {
    assertThatThrownBy(() -> converter.convert(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("Invalid duration '" + text + "': use for example PT1H, 1h or 30m");
  }
}
