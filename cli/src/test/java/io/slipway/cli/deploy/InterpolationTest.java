package io.slipway.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.cli.CommandFailedException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Docker Compose's interpolation of one value. */
class InterpolationTest {

  private static final Map<String, String> VARIABLES =
      Map.of("REG", "reg:5000", "TAG", "v3", "EMPTY", "");

  private static String apply(String value) {
    return new Interpolation(VARIABLES::get, "compose.yml:4").apply(value);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "$REG/app:$TAG               | reg:5000/app:v3",
        "${REG}/app:${TAG}           | reg:5000/app:v3",
        "${UNSET:-reg}/app           | reg/app",
        "${EMPTY:-fallback}          | fallback",
        "${EMPTY-fallback}           | \"\"",
        "${UNSET-fallback}           | fallback",
        "${UNSET:-${REG}}/app        | reg:5000/app",
        "${TAG:?tag needed}          | v3",
        "${TAG?tag needed}           | v3",
        "${EMPTY?tag needed}         | \"\"",
        "${TAG:+set}                 | set",
        "${UNSET:+set}               | \"\"",
        "price $$5                   | price $5",
        "$${REG}                     | ${REG}",
        "no variables                | no variables"
      })
  void replacesEachForm(String value, String expected) {
    assertThat(apply(value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "${UNSET}/app        | compose.yml:4: variable UNSET is not set",
        "$UNSET/app          | compose.yml:4: variable UNSET is not set",
        "${UNSET:?give it}   | compose.yml:4: variable UNSET is unset or empty: give it",
        "${EMPTY:?give it}   | compose.yml:4: variable EMPTY is unset or empty: give it",
        "${UNSET?give it}    | compose.yml:4: variable UNSET is unset or empty: give it",
        "${REG               | '${' has no closing '}'",
        "cost: 5$            | '$' is followed by neither a name nor '{'",
        "${1}                | does not start with a variable name",
        "${REG*x}            | unknown operator after REG"
      })
  void rejectsWithThePlaceAndTheReason(String value, String message) {
    assertThatThrownBy(() -> apply(value))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining(message);
  }
}
