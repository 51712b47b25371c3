package io.slipway.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Interpolation of compose text: which scalars change and how they are written back. */
class ComposeInterpolationTest {

  private static final Map<String, String> VARIABLES =
      Map.of("REG", "reg:5000", "PORT", "8080", "SPACED", "a \"b\"", "VERSION", "1.10");

  private static String apply(String text) {
    return ComposeInterpolation.apply(text, "compose.yml", VARIABLES);
  }

  @Test
  void plainValueBecomesQuotedString() {
    assertThat(apply("image: ${REG}/app\n")).isEqualTo("image: \"reg:5000/app\"\n");
  }

  @Test
  void numberStaysPlain() {
    assertThat(apply("port: ${PORT}\n")).isEqualTo("port: 8080\n");
  }

  @Test
  void floatBecomesStringAsWritten() {
    assertThat(apply("version: ${VERSION}\n")).isEqualTo("version: \"1.10\"\n");
  }

  @Test
  void quotedNumberStaysString() {
    assertThat(apply("port: \"${PORT}\"\n")).isEqualTo("port: \"8080\"\n");
  }

  @Test
  void keyIsLeftAsWritten() {
    assertThat(apply("$KEY: ${PORT}\n")).isEqualTo("$KEY: 8080\n");
  }

  @Test
  void anchorIsKept() {
    assertThat(apply("x: &img ${REG}/app\ny: *img\n"))
        .isEqualTo("x: &img \"reg:5000/app\"\ny: *img\n");
  }

  @Test
  void quotesAndEscapesAreWrittenAsYaml() {
    assertThat(apply("s: '${SPACED}'\n")).isEqualTo("s: \"a \\\"b\\\"\"\n");
  }

  @Test
  void listItemsAreValues() {
    assertThat(apply("env:\n  - PORT=${PORT}\n")).isEqualTo("env:\n  - \"PORT=8080\"\n");
  }

  @Test
  void invalidYamlIsReturnedUnchanged() {
    String text = "a: [${REG}\nb: {\n";

    assertThat(apply(text)).isEqualTo(text);
  }
}
