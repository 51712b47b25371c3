package io.slipway.osimage.fat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BootPathTest {

  @Test
  void splitsNestedPath() {
    BootPath path = BootPath.parse("system-connections/slipway-wifi");

    assertThat(path.parents()).containsExactly("system-connections");
    assertThat(path.fileName()).isEqualTo("slipway-wifi");
  }

  @Test
  void acceptsLongUnicodeName() {
    assertThat(BootPath.parse("splash/Startbildschirm für Kiosk.png").fileName())
        .isEqualTo("Startbildschirm für Kiosk.png");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/config.json",
        "splash/",
        "a//b",
        "..",
        "../config.json",
        "a/./b",
        "a/../b",
        "con:fig",
        "what?",
        "tab\tname",
        " leading",
        "trailing ",
        "dot.",
        "back\\slash"
      })
  void rejectsInvalidPath(String path) {
    assertThatThrownBy(() -> BootPath.parse(path))
        .isInstanceOf(OsImageException.class)
        .hasMessageContaining("'" + path + "'")
        .extracting(e -> ((OsImageException) e).failure())
        .isEqualTo(OsImageFailure.INVALID_CONFIG);
  }

  @Test
  void rejectsNameLongerThanFatAllows() {
    assertThatThrownBy(() -> BootPath.parse("x".repeat(256)))
        .hasMessageContaining("longer than 255");
  }
}
