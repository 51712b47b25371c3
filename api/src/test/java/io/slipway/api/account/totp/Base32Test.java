package io.slipway.api.account.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Base32Test {

  // RFC 4648, section 10, without the padding.
  @ParameterizedTest(name = "''{0}'' is ''{1}''")
  @CsvSource({
    "'', ''",
    "f, MY",
    "fo, MZXQ",
    "foo, MZXW6",
    "foob, MZXW6YQ",
    "fooba, MZXW6YTB",
    "foobar, MZXW6YTBOI"
  })
  void encodesRfc4648Vectors(String text, String encoded) {
    assertThat(Base32.encode(text.getBytes(StandardCharsets.US_ASCII))).isEqualTo(encoded);
  }

  @ParameterizedTest(name = "''{1}'' is ''{0}''")
  @CsvSource({"f, MY======", "foob, mzxw 6yq=", "foobar, MZXW6YTBOI"})
  void decodesPaddedLowerCaseAndGroupedText(String text, String encoded) {
    assertThat(new String(Base32.decode(encoded), StandardCharsets.US_ASCII)).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({"MZXW1", "MZ-XW"})
  void refusesCharactersOutsideAlphabet(String encoded) {
    assertThatThrownBy(() -> Base32.decode(encoded))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not base32");
  }
}
