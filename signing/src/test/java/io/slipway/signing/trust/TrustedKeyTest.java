package io.slipway.signing.trust;

import static io.slipway.signing.TestKeys.VALID_FROM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.TestKeys;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import org.junit.jupiter.api.Test;

class TrustedKeyTest {

  private static final LocalSigner ECDSA = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
  private static final LocalSigner ED25519 = TestKeys.signer(KeyAlgorithm.ED25519);

  @Test
  void computesHintAndAlgorithm() {
    TrustedKey key = TrustedKey.active(ED25519.publicKey(), VALID_FROM);

    assertThat(key.hint()).isEqualTo(ED25519.hint());
    assertThat(key.algorithm()).isEqualTo(KeyAlgorithm.ED25519);
  }

  @Test
  void rejectsHintOfOtherKey() {
    assertThatThrownBy(
            () ->
                new TrustedKey(
                    ED25519.hint(), ECDSA.publicKey(), null, VALID_FROM, null, null, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ED25519.hint().value())
        .hasMessageContaining(ECDSA.hint().value());
  }

  @Test
  void rejectsWrongAlgorithm() {
    assertThatThrownBy(
            () ->
                new TrustedKey(
                    null, ECDSA.publicKey(), KeyAlgorithm.ED25519, VALID_FROM, null, null, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not ED25519");
  }

  @Test
  void rejectsExpiryBeforeValidity() {
    TrustedKey key = TrustedKey.active(ECDSA.publicKey(), VALID_FROM);

    assertThatThrownBy(() -> key.validUntil(VALID_FROM.minusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expires at");
  }

  @Test
  void rejectsRetirementBeforeValidity() {
    TrustedKey key = TrustedKey.active(ECDSA.publicKey(), VALID_FROM);

    assertThatThrownBy(() -> key.retiredAt(VALID_FROM.minusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is retired at");
  }

  @Test
  void withersKeepOtherFields() {
    TrustedKey key =
        TrustedKey.active(ECDSA.publicKey(), VALID_FROM)
            .validUntil(VALID_FROM.plusSeconds(100))
            .retiredAt(VALID_FROM.plusSeconds(50))
            .revoke();

    assertThat(key.expiry()).contains(VALID_FROM.plusSeconds(100));
    assertThat(key.retirement()).contains(VALID_FROM.plusSeconds(50));
    assertThat(key.revoked()).isTrue();
    assertThat(key.validFrom()).isEqualTo(VALID_FROM);
  }
}
