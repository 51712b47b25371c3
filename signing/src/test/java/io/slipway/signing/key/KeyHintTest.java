package io.slipway.signing.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.PublicKey;
import org.junit.jupiter.api.Test;

class KeyHintTest {

  // Generated with openssl 3.0; each hint was computed with
  // openssl pkey -pubin -in pub.pem -outform DER | openssl dgst -sha256 -binary | base64
  static final String ECDSA_PUBLIC_PEM =
      """
      -----BEGIN PUBLIC KEY-----
      MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAErOfa2ohWvRTDgI70ga0Ej6ii/Zz5
      ytMQoLG4c25OnllJNVu6M9SxWqQWK0/Y0qBNehLusbzhIY918k30gb6uBw==
      -----END PUBLIC KEY-----
      """;
  static final String ECDSA_HINT = "ApvlH5w0PSySs3cRVx3r1NamYac+xIGdmnaiKPiqCn4=";

  static final String ED25519_PUBLIC_PEM =
      """
      -----BEGIN PUBLIC KEY-----
      MCowBQYDK2VwAyEAPBAF2I/PH0J48WTZNQsEQER3CNIQ05zQ9UyIt3d6R6U=
      -----END PUBLIC KEY-----
      """;
  static final String ED25519_HINT = "94c1OEfTx2twGPOP/5Kka90rcto9XFQ5AQ4vthnxPoc=";

  @Test
  void ecdsaHintMatchesOpenssl() {
    PublicKey key = PemKeys.parsePublicKey(ECDSA_PUBLIC_PEM);

    assertThat(KeyHint.of(key).value()).isEqualTo(ECDSA_HINT);
  }

  @Test
  void ed25519HintMatchesOpenssl() {
    PublicKey key = PemKeys.parsePublicKey(ED25519_PUBLIC_PEM);

    assertThat(KeyHint.of(key).value()).isEqualTo(ED25519_HINT);
  }

  @Test
  void urlSafeFormRoundTrips() {
    KeyHint hint = new KeyHint(ED25519_HINT);

    String urlSafe = hint.urlSafe();

    assertThat(urlSafe).isEqualTo("94c1OEfTx2twGPOP_5Kka90rcto9XFQ5AQ4vthnxPoc");
    assertThat(KeyHint.fromUrlSafe(urlSafe)).isEqualTo(hint);
  }

  @Test
  void toStringIsTheValue() {
    assertThat(new KeyHint(ECDSA_HINT)).hasToString(ECDSA_HINT);
  }

  @Test
  void rejectsTextThatIsNotAHash() {
    assertThatThrownBy(() -> new KeyHint("abc="))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'abc='");
  }

  @Test
  void rejectsMissingPadding() {
    assertThatThrownBy(() -> new KeyHint(ECDSA_HINT.substring(0, 43)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> new KeyHint(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsStandardAlphabetAsUrlSafe() {
    assertThatThrownBy(() -> KeyHint.fromUrlSafe("94c1OEfTx2twGPOP/5Kka90rcto9XFQ5AQ4vthnxPoc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a URL-safe key hint");
  }
}
