package io.slipway.signing.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.SigningException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyAlgorithmTest {

  private static final byte[] DATA = "manifest bytes".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void signatureVerifies(KeyAlgorithm algorithm) {
    KeyPair pair = algorithm.generate();

    byte[] signature = algorithm.sign(pair.getPrivate(), DATA);

    assertThat(algorithm.verify(pair.getPublic(), DATA, signature)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void signatureOverOtherDataFails(KeyAlgorithm algorithm) {
    KeyPair pair = algorithm.generate();
    byte[] signature = algorithm.sign(pair.getPrivate(), DATA);

    byte[] other = "manifest bytez".getBytes(StandardCharsets.UTF_8);

    assertThat(algorithm.verify(pair.getPublic(), other, signature)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void truncatedSignatureFailsWithoutException(KeyAlgorithm algorithm) {
    KeyPair pair = algorithm.generate();
    byte[] signature = algorithm.sign(pair.getPrivate(), DATA);

    byte[] truncated = Arrays.copyOf(signature, signature.length - 1);

    assertThat(algorithm.verify(pair.getPublic(), DATA, truncated)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void emptySignatureFailsWithoutException(KeyAlgorithm algorithm) {
    KeyPair pair = algorithm.generate();

    assertThat(algorithm.verify(pair.getPublic(), DATA, new byte[0])).isFalse();
  }

  @Test
  void ed25519SignatureHas64Bytes() {
    KeyPair pair = KeyAlgorithm.ED25519.generate();

    assertThat(KeyAlgorithm.ED25519.sign(pair.getPrivate(), DATA)).hasSize(64);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void recognisesItsOwnKeys(KeyAlgorithm algorithm) {
    assertThat(KeyAlgorithm.of(algorithm.generate().getPublic())).isEqualTo(algorithm);
  }

  @Test
  void rejectsRsaKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    var key = generator.generateKeyPair().getPublic();

    assertThatThrownBy(() -> KeyAlgorithm.of(key))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("RSA keys are not supported");
  }

  /**
   * Rejects EC keys on 256-bit curves other than P-256. The JDK parses such public keys although it
   * cannot generate them, so the fixtures are SubjectPublicKeyInfo blocks that {@code openssl
   * ecparam -genkey} and {@code openssl ec -pubout} made.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        // secp256k1
        "MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAElMbl0f2gVBs1Yulsx9OLlIraAciIAoNwT5/xGbXxMGOILZHMnBLdOB1Y"
            + "ahW15UzLm651qLlvrOKr9iGUJS30qA==",
        // brainpoolP256r1
        "MFowFAYHKoZIzj0CAQYJKyQDAwIIAQEHA0IABJ7iXbIhJZeKm+Ku4tBxuDBEQ0f7qFQ66vJEPuwiyeAEXn2cMDJ6"
            + "wN3wXVLJRyUdpSGKQtNJtAckX4Ehn62TWhA="
      })
  void rejectsOther256BitCurves(String spki) throws Exception {
    var key =
        KeyFactory.getInstance("EC")
            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(spki)));

    assertThatThrownBy(() -> KeyAlgorithm.of(key))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("256-bit curve other than P-256");
  }

  @Test
  void rejectsP384Key() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    var key = generator.generateKeyPair().getPublic();

    assertThatThrownBy(() -> KeyAlgorithm.of(key))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("384-bit curve");
  }

  @Test
  void digestSignatureVerifiesOverMessage() throws Exception {
    KeyPair pair = KeyAlgorithm.ECDSA_P256.generate();
    byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(DATA);

    byte[] signature = KeyAlgorithm.ECDSA_P256.signDigest(pair.getPrivate(), sha256);

    assertThat(KeyAlgorithm.ECDSA_P256.verify(pair.getPublic(), DATA, signature)).isTrue();
  }

  @Test
  void messageSignatureVerifiesOverDigest() throws Exception {
    KeyPair pair = KeyAlgorithm.ECDSA_P256.generate();
    byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(DATA);

    byte[] signature = KeyAlgorithm.ECDSA_P256.sign(pair.getPrivate(), DATA);

    assertThat(KeyAlgorithm.ECDSA_P256.verifyDigest(pair.getPublic(), sha256, signature)).isTrue();
  }

  @Test
  void digestOfOtherMessageFails() throws Exception {
    KeyPair pair = KeyAlgorithm.ECDSA_P256.generate();
    byte[] signature = KeyAlgorithm.ECDSA_P256.sign(pair.getPrivate(), DATA);

    byte[] other = MessageDigest.getInstance("SHA-256").digest(new byte[] {1});

    assertThat(KeyAlgorithm.ECDSA_P256.verifyDigest(pair.getPublic(), other, signature)).isFalse();
  }

  @Test
  void ed25519SignsNoDigests() {
    KeyPair pair = KeyAlgorithm.ED25519.generate();

    assertThat(KeyAlgorithm.ED25519.signsDigests()).isFalse();
    assertThatThrownBy(() -> KeyAlgorithm.ED25519.signDigest(pair.getPrivate(), new byte[32]))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("whole messages only");
  }

  @Test
  void digestOfWrongLengthIsRejected() {
    KeyPair pair = KeyAlgorithm.ECDSA_P256.generate();

    assertThatThrownBy(() -> KeyAlgorithm.ECDSA_P256.signDigest(pair.getPrivate(), new byte[20]))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("not 20");
  }

  @Test
  void signingWithKeyOfOtherAlgorithmFails() {
    KeyPair ed25519 = KeyAlgorithm.ED25519.generate();

    assertThatThrownBy(() -> KeyAlgorithm.ECDSA_P256.sign(ed25519.getPrivate(), DATA))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("ECDSA_P256");
  }
}
