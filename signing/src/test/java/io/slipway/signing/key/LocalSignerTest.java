package io.slipway.signing.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LocalSignerTest {

  private static final byte[] DATA = "release".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void signsWithItsKey(KeyAlgorithm algorithm) {
    LocalSigner signer = LocalSigner.generate(algorithm);

    byte[] signature = signer.sign(DATA);

    assertThat(algorithm.verify(signer.publicKey(), DATA, signature)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void hintIsThatOfPublicKey(KeyAlgorithm algorithm) {
    LocalSigner signer = LocalSigner.generate(algorithm);

    assertThat(signer.hint()).isEqualTo(KeyHint.of(signer.publicKey()));
    assertThat(signer.algorithm()).isEqualTo(algorithm);
  }

  @Test
  void ecdsaSignerSignsDigests() throws Exception {
    LocalSigner signer = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(DATA);

    byte[] signature = signer.signDigest(sha256).orElseThrow();

    assertThat(KeyAlgorithm.ECDSA_P256.verify(signer.publicKey(), DATA, signature)).isTrue();
  }

  @Test
  void ed25519SignerSignsNoDigests() {
    LocalSigner signer = LocalSigner.generate(KeyAlgorithm.ED25519);

    assertThat(signer.signDigest(new byte[32])).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void toStringShowsNoPrivateKey(KeyAlgorithm algorithm) {
    var pair = algorithm.generate();
    LocalSigner signer = new LocalSigner(pair);
    String privateBase64 = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());

    assertThat(signer.toString()).contains(signer.hint().value());
    assertThat(signer.toString()).doesNotContain(privateBase64);
    assertThat(signer.toString()).doesNotContain("PRIVATE");
  }
}
