package io.slipway.signing.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.SigningException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PemKeysTest {

  // Written by openssl 3.0: genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256. Its public
  // half is KeyHintTest.ECDSA_PUBLIC_PEM.
  static final String OPENSSL_ECDSA_PRIVATE_PEM =
      """
      -----BEGIN PRIVATE KEY-----
      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8+6tU0YJv3PJzY/M
      m1pZc8yMf1YwPN0jSrISDCtqMGyhRANCAASs59raiFa9FMOAjvSBrQSPqKL9nPnK
      0xCgsbhzbk6eWUk1W7oz1LFapBYrT9jSoE16Eu6xvOEhj3XyTfSBvq4H
      -----END PRIVATE KEY-----
      """;

  // Written by openssl 3.0: genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024, then -pubout.
  static final String RSA_PUBLIC_PEM =
      """
      -----BEGIN PUBLIC KEY-----
      MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDBUeIaeZxHOSYklxnVkLk2ff4N
      PgHTj7dBtIXB69Az5IIDecNk9JjoKJn4ojD8M/icZYXvo/Q6DPZ8UJ7x8J183W/b
      Dkzz1VeTri4B5Aw+Qh6XnAXG5HVcqGgdwYUASyZGuNiiXUf0T9+Xal5iSuD3IAHz
      5JlCVEPtxX6Xy8UqEwIDAQAB
      -----END PUBLIC KEY-----
      """;

  // Written by openssl 3.0: genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384, then -pubout.
  static final String P384_PUBLIC_PEM =
      """
      -----BEGIN PUBLIC KEY-----
      MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEUF7Tt/9J5bcpcDApMUDuqJxq0on+A1HA
      pcCxWTCDLEVRdnAxp8ZzEe212GG8dec1zKXDKhwNnPo2U17rmhkKJpMVVG2rYGHE
      uUW34pXrh6+NB3rWteKUbJHSoM+Ssghl
      -----END PUBLIC KEY-----
      """;

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void publicKeyRoundTrips(KeyAlgorithm algorithm) {
    PublicKey key = algorithm.generate().getPublic();

    String pem = PemKeys.publicKeyPem(key);

    assertThat(pem)
        .startsWith("-----BEGIN PUBLIC KEY-----\n")
        .endsWith("-----END PUBLIC KEY-----\n");
    assertThat(PemKeys.parsePublicKey(pem).getEncoded()).isEqualTo(key.getEncoded());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void privateKeyRoundTrips(KeyAlgorithm algorithm) {
    KeyPair pair = algorithm.generate();

    PrivateKey parsed = PemKeys.parsePrivateKey(PemKeys.privateKeyPem(pair.getPrivate()));

    byte[] data = "release".getBytes(StandardCharsets.UTF_8);
    assertThat(algorithm.verify(pair.getPublic(), data, algorithm.sign(parsed, data))).isTrue();
  }

  @Test
  void parsesOpensslPrivateKeyMatchingItsPublicKey() {
    PrivateKey key = PemKeys.parsePrivateKey(OPENSSL_ECDSA_PRIVATE_PEM);
    PublicKey publicKey = PemKeys.parsePublicKey(KeyHintTest.ECDSA_PUBLIC_PEM);

    byte[] data = "manifest".getBytes(StandardCharsets.UTF_8);
    byte[] signature = KeyAlgorithm.ECDSA_P256.sign(key, data);
    assertThat(KeyAlgorithm.ECDSA_P256.verify(publicKey, data, signature)).isTrue();
  }

  @Test
  void wrapsBase64At64Columns() {
    String pem = PemKeys.publicKeyPem(PemKeys.parsePublicKey(KeyHintTest.ECDSA_PUBLIC_PEM));

    assertThat(pem).isEqualTo(KeyHintTest.ECDSA_PUBLIC_PEM);
  }

  @Test
  void rejectsTextWithoutPemBlock() {
    assertThatThrownBy(() -> PemKeys.parsePublicKey("not a key"))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("No PEM block found");
  }

  @Test
  void rejectsNullText() {
    assertThatThrownBy(() -> PemKeys.parsePublicKey(null))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("No PEM block found");
  }

  @Test
  void rejectsPrivateKeyBlockAsPublicKey() {
    assertThatThrownBy(() -> PemKeys.parsePublicKey(OPENSSL_ECDSA_PRIVATE_PEM))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("'PRIVATE KEY'");
  }

  @Test
  void rejectsPublicKeyBlockAsPrivateKey() {
    assertThatThrownBy(() -> PemKeys.parsePrivateKey(KeyHintTest.ECDSA_PUBLIC_PEM))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("'PUBLIC KEY'");
  }

  @Test
  void rejectsRsaPublicKey() {
    assertThatThrownBy(() -> PemKeys.parsePublicKey(RSA_PUBLIC_PEM))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("neither an ECDSA P-256 nor an Ed25519 key");
  }

  @Test
  void rejectsP384PublicKey() {
    assertThatThrownBy(() -> PemKeys.parsePublicKey(P384_PUBLIC_PEM))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("neither an ECDSA P-256 nor an Ed25519 key");
  }

  @Test
  void rejectsBadBase64() {
    String pem = "-----BEGIN PUBLIC KEY-----\nAAAAA\n-----END PUBLIC KEY-----\n";

    assertThatThrownBy(() -> PemKeys.parsePublicKey(pem))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("not valid base64");
  }

  @Test
  void rejectsGarbledPrivateKeyWithoutEchoingIt() {
    String pem = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0IGJ5dGVz\n-----END PRIVATE KEY-----\n";

    assertThatThrownBy(() -> PemKeys.parsePrivateKey(pem))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("neither an ECDSA P-256 nor an Ed25519 key")
        .hasMessageNotContaining("c2VjcmV0IGJ5dGVz");
  }

  @Test
  void publicKeyBlockAdvisesPrivateKey() {
    assertThatThrownBy(() -> PemKeys.parsePrivateKey(KeyHintTest.ECDSA_PUBLIC_PEM))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("send the private key");
  }

  @Test
  void sec1KeyAdvisesPkcs8Conversion() {
    String pem = block("EC PRIVATE KEY", "c2VjcmV0IGJ5dGVz");

    assertThatThrownBy(() -> PemKeys.parsePrivateKey(pem))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("'EC PRIVATE KEY'")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void encryptedKeyAdvisesDecryption() {
    String pem = block("ENCRYPTED PRIVATE KEY", "c2VjcmV0IGJ5dGVz");

    assertThatThrownBy(() -> PemKeys.parsePrivateKey(pem))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("decrypt it with 'openssl pkcs8 -in KEY.pem");
  }

  @Test
  void pkcs1RsaKeyAdvisesSupportedKey() {
    String pem = block("RSA PRIVATE KEY", "c2VjcmV0IGJ5dGVz");

    assertThatThrownBy(() -> PemKeys.parsePrivateKey(pem))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("RSA keys are not supported")
        .hasMessageContaining("openssl genpkey -algorithm EC");
  }

  @Test
  void pkcs8RsaKeyIsNamedRsa() throws NoSuchAlgorithmException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    String pem = PemKeys.privateKeyPem(generator.generateKeyPair().getPrivate());

    assertThatThrownBy(() -> PemKeys.parsePrivateKey(pem))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("contains an RSA key")
        .hasMessageContaining("openssl genpkey -algorithm ed25519")
        .hasMessageNotContaining("-topk8");
  }

  private static String block(String type, String base64) {
    return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
  }
}
