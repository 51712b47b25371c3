package io.slipway.api.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SemanticVersionTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0.0.1",
        "1.2.3",
        "10.20.30",
        "1.0.0-alpha",
        "1.0.0-rc.1+build.5",
        "1.0.0+20130313"
      })
  void acceptsVersionsOfTheSpecification(String text) {
    assertThat(new SemanticVersion(text).text()).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "1.2", "01.2.3", "1.2.3-", "1.2.3-01", "v1.2.3", "1.2.3+", " 1.2.3"})
  void refusesOtherText(String text) {
    assertThatThrownBy(() -> new SemanticVersion(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void ordersByPrecedenceOfTheSpecification() {
    List<String> expected =
        List.of(
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.10.0",
            "2.0.0");
    List<SemanticVersion> shuffled = new ArrayList<>();
    expected.forEach(text -> shuffled.add(new SemanticVersion(text)));
    Collections.reverse(shuffled);

    Collections.sort(shuffled);

    assertThat(shuffled).extracting(SemanticVersion::text).containsExactlyElementsOf(expected);
  }

  @Test
  void buildMetadataTakesNoPartInPrecedence() {
    assertThat(new SemanticVersion("1.0.0+a").compareTo(new SemanticVersion("1.0.0+b"))).isZero();
  }

  @Test
  void nextPatchDropsPreReleaseAndBuild() {
    assertThat(new SemanticVersion("1.2.3-rc.1+7").nextPatch().text()).isEqualTo("1.2.4");
  }

  @Test
  void numbersBeyondLongStillCount() {
    SemanticVersion huge = new SemanticVersion("1.0.99999999999999999999");

    assertThat(huge.nextPatch().text()).isEqualTo("1.0.100000000000000000000");
  }
}
