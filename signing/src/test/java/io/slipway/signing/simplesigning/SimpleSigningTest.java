package io.slipway.signing.simplesigning;

import static io.slipway.signing.TestKeys.NOW;
import static io.slipway.signing.TestKeys.SIGNED_AT;
import static io.slipway.signing.VerificationAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.TestKeys;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.trust.TrustPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class SimpleSigningTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String REFERENCE = "127.0.0.1:5000/acme/gateways/web";
  private static final String DIGEST = "sha256:" + "5e".repeat(32);
  private static final String OTHER_DIGEST = "sha256:" + "a7".repeat(32);

  private static SimpleSignature sign(LocalSigner signer) {
    return SimpleSigning.sign(signer, REFERENCE, DIGEST, SIGNED_AT);
  }

  @Test
  void payloadHasCosignFields() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);

    JsonNode payload = JSON.readTree(sign(signer).payload());

    JsonNode critical = payload.path("critical");
    assertThat(critical.path("identity").path("docker-reference").asString()).isEqualTo(REFERENCE);
    assertThat(critical.path("image").path("docker-manifest-digest").asString()).isEqualTo(DIGEST);
    assertThat(critical.path("type").asString()).isEqualTo("cosign container image signature");
    assertThat(payload.path("optional").path("io.slipway.signed-at").asString())
        .isEqualTo(SIGNED_AT.toString());
    assertThat(payload.path("optional").path("io.slipway.key-hint").asString())
        .isEqualTo(signer.hint().value());
  }

  @Test
  void signatureBase64EncodesSignature() {
    SimpleSignature signature = sign(TestKeys.signer(KeyAlgorithm.ECDSA_P256));

    assertThat(Base64.getDecoder().decode(signature.signatureBase64()))
        .isEqualTo(signature.signature());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void signatureVerifies(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    SimpleSignature signature = sign(signer);

    SimpleSigning.verify(
        signature.payload(), signature.signature(), DIGEST, TestKeys.trusting(signer), NOW);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void tamperedPayloadIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    SimpleSignature signature = sign(signer);
    byte[] tampered =
        new String(signature.payload(), StandardCharsets.UTF_8)
            .replace("acme", "evil")
            .getBytes(StandardCharsets.UTF_8);

    assertFailure(
            () ->
                SimpleSigning.verify(
                    tampered, signature.signature(), DIGEST, TestKeys.trusting(signer), NOW),
            VerificationFailure.BAD_SIGNATURE)
        .hasMessageContaining(signer.hint().value())
        .hasMessageContaining(DIGEST);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void otherManifestIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    SimpleSignature signature = sign(signer);

    assertFailure(
            () ->
                SimpleSigning.verify(
                    signature.payload(),
                    signature.signature(),
                    OTHER_DIGEST,
                    TestKeys.trusting(signer),
                    NOW),
            VerificationFailure.DIGEST_MISMATCH)
        .hasMessageContaining(DIGEST)
        .hasMessageContaining(OTHER_DIGEST);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void wrongKeyIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = LocalSigner.generate(algorithm);
    SimpleSignature signature = sign(signer);
    TrustPolicy policy = TestKeys.trusting(TestKeys.signer(algorithm));

    assertFailure(
            () ->
                SimpleSigning.verify(
                    signature.payload(), signature.signature(), DIGEST, policy, NOW),
            VerificationFailure.UNKNOWN_KEY)
        .hasMessageContaining(signer.hint().value());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void truncatedSignatureIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    SimpleSignature signature = sign(signer);
    byte[] truncated = Arrays.copyOf(signature.signature(), signature.signature().length - 1);

    assertFailure(
        () ->
            SimpleSigning.verify(
                signature.payload(), truncated, DIGEST, TestKeys.trusting(signer), NOW),
        VerificationFailure.BAD_SIGNATURE);
  }

  @Test
  void emptySignatureIsUnsigned() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    SimpleSignature signature = sign(signer);

    assertFailure(
            () ->
                SimpleSigning.verify(
                    signature.payload(), new byte[0], DIGEST, TestKeys.trusting(signer), NOW),
            VerificationFailure.UNSIGNED)
        .hasMessageContaining(DIGEST);
  }

  @Test
  void expiredKeyIsRejected() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    SimpleSignature signature = sign(signer);
    TrustPolicy policy = TrustPolicy.of(TestKeys.trusted(signer).validUntil(SIGNED_AT));

    assertFailure(
        () -> SimpleSigning.verify(signature.payload(), signature.signature(), DIGEST, policy, NOW),
        VerificationFailure.KEY_EXPIRED);
  }

  @Test
  void retiredKeyUsesSignedTime() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ED25519);
    SimpleSignature signature = sign(signer);
    TrustPolicy before =
        TrustPolicy.of(TestKeys.trusted(signer).retiredAt(SIGNED_AT.plusSeconds(1)));
    TrustPolicy after = TrustPolicy.of(TestKeys.trusted(signer).retiredAt(SIGNED_AT));

    SimpleSigning.verify(signature.payload(), signature.signature(), DIGEST, before, NOW);
    assertFailure(
        () -> SimpleSigning.verify(signature.payload(), signature.signature(), DIGEST, after, NOW),
        VerificationFailure.KEY_RETIRED);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void payloadWithoutHintTriesEachKey(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    byte[] payload = cosignPayload(DIGEST);
    TrustPolicy policy =
        TrustPolicy.of(
            TestKeys.trusted(LocalSigner.generate(KeyAlgorithm.ECDSA_P256)),
            TestKeys.trusted(LocalSigner.generate(KeyAlgorithm.ED25519)),
            TestKeys.trusted(signer));

    SimpleSigning.verify(payload, signer.sign(payload), DIGEST, policy, NOW);
  }

  @Test
  void payloadWithoutHintByUntrustedKeyIsRejected() {
    byte[] payload = cosignPayload(DIGEST);
    byte[] signature = LocalSigner.generate(KeyAlgorithm.ECDSA_P256).sign(payload);
    TrustPolicy policy = TestKeys.trusting(TestKeys.signer(KeyAlgorithm.ECDSA_P256));

    assertFailure(
            () -> SimpleSigning.verify(payload, signature, DIGEST, policy, NOW),
            VerificationFailure.BAD_SIGNATURE)
        .hasMessageContaining("none of the 1 trusted keys");
  }

  @Test
  void payloadWithoutHintByRevokedKeyIsRejected() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    byte[] payload = cosignPayload(DIGEST);
    TrustPolicy policy = TrustPolicy.of(TestKeys.trusted(signer).revoke());

    assertFailure(
        () -> SimpleSigning.verify(payload, signer.sign(payload), DIGEST, policy, NOW),
        VerificationFailure.KEY_REVOKED);
  }

  @Test
  void otherPayloadTypeIsRejected() {
    ObjectNode payload = (ObjectNode) JSON.readTree(cosignPayload(DIGEST));
    ((ObjectNode) payload.path("critical")).put("type", "atomic container signature");

    assertMalformedWhenSigned(JSON.writeValueAsBytes(payload), "atomic container signature");
  }

  @Test
  void payloadWithoutDigestIsRejected() {
    ObjectNode payload = (ObjectNode) JSON.readTree(cosignPayload(DIGEST));
    ((ObjectNode) payload.path("critical")).remove("image");

    assertMalformedWhenSigned(
        JSON.writeValueAsBytes(payload), "critical.image.docker-manifest-digest");
  }

  @Test
  void payloadWithDigestTwiceIsRejected() {
    String other = "sha256:" + "0".repeat(64);
    String payload =
        new String(cosignPayload(DIGEST), StandardCharsets.UTF_8)
            .replace(
                "\"docker-manifest-digest\":\"" + DIGEST + "\"",
                "\"docker-manifest-digest\":\""
                    + other
                    + "\",\"docker-manifest-digest\":\""
                    + DIGEST
                    + "\"");

    assertMalformedWhenSigned(payload.getBytes(StandardCharsets.UTF_8), "docker-manifest-digest");
  }

  @Test
  void textPayloadIsRejected() {
    assertMalformedWhenSigned("hello".getBytes(StandardCharsets.UTF_8), "is not JSON");
  }

  @Test
  void unreadableSigningTimeIsRejected() {
    ObjectNode payload = (ObjectNode) JSON.readTree(cosignPayload(DIGEST));
    payload.putObject("optional").put("io.slipway.signed-at", "noon");

    assertMalformedWhenSigned(JSON.writeValueAsBytes(payload), "noon");
  }

  @Test
  void badKeyHintIsRejected() {
    ObjectNode payload = (ObjectNode) JSON.readTree(cosignPayload(DIGEST));
    payload.putObject("optional").put("io.slipway.key-hint", "k1");

    assertMalformedWhenSigned(JSON.writeValueAsBytes(payload), "io.slipway.key-hint");
  }

  @Test
  void signRejectsDigestWithoutAlgorithm() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);

    assertThatThrownBy(() -> SimpleSigning.sign(signer, REFERENCE, "5e".repeat(32), SIGNED_AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5e5e");
  }

  @Test
  void signRejectsBlankReference() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);

    assertThatThrownBy(() -> SimpleSigning.sign(signer, "", DIGEST, SIGNED_AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("docker reference");
  }

  /**
   * Asserts that {@code payload}, validly signed, is rejected as MALFORMED with {@code message}.
   */
  private static void assertMalformedWhenSigned(byte[] payload, String message) {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    byte[] signature = signer.sign(payload);

    assertFailure(
            () -> SimpleSigning.verify(payload, signature, DIGEST, TestKeys.trusting(signer), NOW),
            VerificationFailure.MALFORMED)
        .hasMessageContaining(message);
  }

  /**
   * Returns a payload as cosign writes it: no optional fields, so no key hint and no signing time.
   */
  private static byte[] cosignPayload(String digest) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode critical = root.putObject("critical");
    critical.putObject("identity").put("docker-reference", REFERENCE);
    critical.putObject("image").put("docker-manifest-digest", digest);
    critical.put("type", "cosign container image signature");
    root.putNull("optional");
    return JSON.writeValueAsBytes(root);
  }
}
