package io.slipway.signing.bundle;

import static io.slipway.signing.TestKeys.NOW;
import static io.slipway.signing.TestKeys.SIGNED_AT;
import static io.slipway.signing.VerificationAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.SigningException;
import io.slipway.signing.TestKeys;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Dsse;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.dsse.EnvelopeSignature;
import io.slipway.signing.image.ImageStatements;
import io.slipway.signing.intoto.Statement;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.trust.TrustPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class BundleVerifierTest {

  private static final String REPOSITORY = "acme/gateways/web";
  private static final String MANIFEST = "{\"schemaVersion\":2}";
  private static final String DIGEST = digest(MANIFEST);
  private static final String MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
  private static final byte[] CONTENT = "delta of release 7".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private static String digest(String manifest) {
    return "sha256:"
        + java.util.HexFormat.of()
            .formatHex(Contents.sha256(manifest.getBytes(StandardCharsets.UTF_8)));
  }

  private static Bundle imageBundle(LocalSigner signer) {
    return BundleSigner.signStatement(
        signer, ImageStatements.of(REPOSITORY, DIGEST, MEDIA_TYPE, SIGNED_AT));
  }

  private static Statement verifyImage(Bundle bundle, String digest, TrustPolicy policy) {
    return BundleVerifier.verifyStatement(
        bundle, digest, ImageStatements.PREDICATE_TYPE, policy, NOW);
  }

  // Statements

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void imageStatementVerifies(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    Bundle bundle = Bundle.parse(imageBundle(signer).toJson());

    Statement statement = verifyImage(bundle, DIGEST, TestKeys.trusting(signer));

    assertThat(statement.predicate().path("repository").asString()).isEqualTo(REPOSITORY);
    assertThat(bundle.hint()).isEqualTo(signer.hint());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void tamperedManifestIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    String tampered = digest("{\"schemaVersion\":2,\"layers\":[]}");

    assertFailure(
            () -> verifyImage(imageBundle(signer), tampered, TestKeys.trusting(signer)),
            VerificationFailure.DIGEST_MISMATCH)
        .hasMessageContaining(tampered)
        .hasMessageContaining(DIGEST);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void tamperedPayloadIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    Envelope signed = imageBundle(signer).envelope().orElseThrow();
    byte[] payload =
        ImageStatements.of("acme/gateways/evil", DIGEST, MEDIA_TYPE, SIGNED_AT).toJson();
    Bundle tampered =
        Bundle.ofEnvelope(
            signer.hint(), new Envelope(signed.payloadType(), payload, signed.signatures()));

    assertFailure(
            () -> verifyImage(tampered, DIGEST, TestKeys.trusting(signer)),
            VerificationFailure.BAD_SIGNATURE)
        .hasMessageContaining(signer.hint().value());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void wrongKeyIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    LocalSigner trusted = LocalSigner.generate(algorithm);

    assertFailure(
            () -> verifyImage(imageBundle(signer), DIGEST, TestKeys.trusting(trusted)),
            VerificationFailure.UNKNOWN_KEY)
        .hasMessageContaining(signer.hint().value());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void truncatedSignatureIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    Envelope signed = imageBundle(signer).envelope().orElseThrow();
    byte[] signature = signed.signatures().get(0).signature();
    EnvelopeSignature truncated =
        new EnvelopeSignature(signer.hint(), Arrays.copyOf(signature, signature.length - 8));
    Bundle bundle =
        Bundle.ofEnvelope(
            signer.hint(),
            new Envelope(signed.payloadType(), signed.payload(), List.of(truncated)));

    assertFailure(
        () -> verifyImage(bundle, DIGEST, TestKeys.trusting(signer)),
        VerificationFailure.BAD_SIGNATURE);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void expiredKeyIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    TrustPolicy policy = TrustPolicy.of(TestKeys.trusted(signer).validUntil(NOW.minusSeconds(1)));

    assertFailure(
            () -> verifyImage(imageBundle(signer), DIGEST, policy), VerificationFailure.KEY_EXPIRED)
        .hasMessageContaining(signer.hint().value());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void bundleForAnotherDigestIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    String other = digest("{\"schemaVersion\":2,\"other\":true}");
    Bundle otherBundle =
        BundleSigner.signStatement(
            signer, ImageStatements.of(REPOSITORY, other, MEDIA_TYPE, SIGNED_AT));

    assertFailure(
            () -> verifyImage(otherBundle, DIGEST, TestKeys.trusting(signer)),
            VerificationFailure.DIGEST_MISMATCH)
        .hasMessageContaining(other);
  }

  @Test
  void otherPredicateTypeIsRejected() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);

    assertFailure(
            () ->
                BundleVerifier.verifyStatement(
                    imageBundle(signer),
                    DIGEST,
                    "https://slipway.io/release/v1",
                    TestKeys.trusting(signer),
                    NOW),
            VerificationFailure.SUBJECT_MISMATCH)
        .hasMessageContaining(ImageStatements.PREDICATE_TYPE);
  }

  @Test
  void otherPayloadTypeIsRejected() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Bundle bundle =
        Bundle.ofEnvelope(signer.hint(), Dsse.sign(signer, "application/json", "{}".getBytes()));

    assertFailure(
            () -> verifyImage(bundle, DIGEST, TestKeys.trusting(signer)),
            VerificationFailure.SUBJECT_MISMATCH)
        .hasMessageContaining("application/json");
  }

  @Test
  void fileBundleIsRejectedAsStatement() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);

    assertFailure(
            () ->
                verifyImage(
                    BundleSigner.signFile(signer, CONTENT), DIGEST, TestKeys.trusting(signer)),
            VerificationFailure.SUBJECT_MISMATCH)
        .hasMessageContaining("signs a file");
  }

  @Test
  void retiredKeyPassesStatementSignedBeforeRetirement() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ED25519);
    TrustPolicy policy =
        TrustPolicy.of(TestKeys.trusted(signer).retiredAt(SIGNED_AT.plusSeconds(60)));

    assertThat(verifyImage(imageBundle(signer), DIGEST, policy)).isNotNull();
  }

  @Test
  void retiredKeyRejectsStatementSignedAfterRetirement() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ED25519);
    TrustPolicy policy =
        TrustPolicy.of(TestKeys.trusted(signer).retiredAt(SIGNED_AT.minusSeconds(60)));

    assertFailure(
        () -> verifyImage(imageBundle(signer), DIGEST, policy), VerificationFailure.KEY_RETIRED);
  }

  @Test
  void readsSigningTimeFromCreatedAt() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Instant createdAt = SIGNED_AT.plusSeconds(3600);
    Bundle bundle =
        BundleSigner.signStatement(signer, statement("createdAt", createdAt.toString()));
    TrustPolicy beforeRetirement =
        TrustPolicy.of(TestKeys.trusted(signer).retiredAt(createdAt.plusSeconds(1)));
    TrustPolicy afterRetirement = TrustPolicy.of(TestKeys.trusted(signer).retiredAt(createdAt));

    assertThat(verifyRelease(bundle, beforeRetirement)).isNotNull();
    assertFailure(() -> verifyRelease(bundle, afterRetirement), VerificationFailure.KEY_RETIRED);
  }

  @Test
  void statementWithoutSigningTimeFailsWithRetiredKey() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Bundle bundle = BundleSigner.signStatement(signer, statement("version", "1.0"));
    TrustPolicy policy = TrustPolicy.of(TestKeys.trusted(signer).retiredAt(NOW));

    assertFailure(() -> verifyRelease(bundle, policy), VerificationFailure.KEY_RETIRED)
        .hasMessageContaining("no signing time");
  }

  @Test
  void unreadableSigningTimeIsRejected() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Bundle bundle = BundleSigner.signStatement(signer, statement("signedAt", "yesterday"));

    assertFailure(
            () -> verifyRelease(bundle, TestKeys.trusting(signer)), VerificationFailure.MALFORMED)
        .hasMessageContaining("predicate.signedAt is 'yesterday'");
  }

  @Test
  void rejectsDigestOfOtherForm() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);

    assertThatThrownBy(
            () -> verifyImage(imageBundle(signer), DIGEST.substring(7), TestKeys.trusting(signer)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(DIGEST.substring(7));
  }

  private static Statement statement(String field, String value) {
    ObjectNode predicate = JsonMapper.builder().build().createObjectNode();
    predicate.put(field, value);
    return new Statement(
        List.of(Statement.Subject.ofDigest(REPOSITORY, DIGEST)),
        "https://slipway.io/release/v1",
        predicate);
  }

  private static Statement verifyRelease(Bundle bundle, TrustPolicy policy) {
    return BundleVerifier.verifyStatement(
        bundle, DIGEST, "https://slipway.io/release/v1", policy, NOW);
  }

  // Files

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void fileSignatureVerifies(KeyAlgorithm algorithm) throws Exception {
    LocalSigner signer = TestKeys.signer(algorithm);
    Path file = Files.write(dir.resolve("delta"), CONTENT);

    Bundle bundle = Bundle.parse(BundleSigner.signFile(signer, file).toJson());

    BundleVerifier.verifyFile(bundle, file, TestKeys.trusting(signer), SIGNED_AT, NOW);
    BundleVerifier.verifyFile(bundle, CONTENT, TestKeys.trusting(signer), SIGNED_AT, NOW);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void bytesAndFileSignaturesAgree(KeyAlgorithm algorithm) throws Exception {
    LocalSigner signer = TestKeys.signer(algorithm);
    Path file = Files.write(dir.resolve("delta"), CONTENT);

    Bundle bundle = BundleSigner.signFile(signer, CONTENT);

    assertThat(bundle.messageSignature().orElseThrow().sha256())
        .isEqualTo(BundleSigner.signFile(signer, file).messageSignature().orElseThrow().sha256());
    BundleVerifier.verifyFile(bundle, file, TestKeys.trusting(signer), SIGNED_AT, NOW);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void fileLargerThanReadBufferVerifies(KeyAlgorithm algorithm) throws Exception {
    LocalSigner signer = TestKeys.signer(algorithm);
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(content);
    Path file = Files.write(dir.resolve("large"), content);

    Bundle bundle = BundleSigner.signFile(signer, file);

    BundleVerifier.verifyFile(bundle, content, TestKeys.trusting(signer), SIGNED_AT, NOW);
    BundleVerifier.verifyFile(bundle, file, TestKeys.trusting(signer), SIGNED_AT, NOW);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void tamperedFileIsRejected(KeyAlgorithm algorithm) throws Exception {
    LocalSigner signer = TestKeys.signer(algorithm);
    Bundle bundle = BundleSigner.signFile(signer, CONTENT);
    byte[] tampered = CONTENT.clone();
    tampered[0] ^= 1;
    Path file = Files.write(dir.resolve("delta"), tampered);

    assertFailure(
            () ->
                BundleVerifier.verifyFile(bundle, file, TestKeys.trusting(signer), SIGNED_AT, NOW),
            VerificationFailure.DIGEST_MISMATCH)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(bundle.messageSignature().orElseThrow().digest());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void tamperedFileWithMatchingDigestIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    byte[] tampered = "delta of release 8".getBytes(StandardCharsets.UTF_8);
    byte[] signature =
        BundleSigner.signFile(signer, CONTENT).messageSignature().orElseThrow().signature();
    Bundle bundle = Bundle.ofMessage(signer.hint(), Contents.sha256(tampered), signature);

    assertFailure(
        () ->
            BundleVerifier.verifyFile(bundle, tampered, TestKeys.trusting(signer), SIGNED_AT, NOW),
        VerificationFailure.BAD_SIGNATURE);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void truncatedFileSignatureIsRejected(KeyAlgorithm algorithm) throws Exception {
    LocalSigner signer = TestKeys.signer(algorithm);
    Bundle.MessageSignature message =
        BundleSigner.signFile(signer, CONTENT).messageSignature().orElseThrow();
    byte[] signature = message.signature();
    Bundle bundle =
        Bundle.ofMessage(
            signer.hint(), message.sha256(), Arrays.copyOf(signature, signature.length - 1));
    Path file = Files.write(dir.resolve("delta"), CONTENT);

    assertFailure(
            () ->
                BundleVerifier.verifyFile(bundle, file, TestKeys.trusting(signer), SIGNED_AT, NOW),
            VerificationFailure.BAD_SIGNATURE)
        .hasMessageContaining(signer.hint().value());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void fileSignedByWrongKeyIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = LocalSigner.generate(algorithm);
    Bundle bundle = BundleSigner.signFile(signer, CONTENT);
    TrustPolicy policy = TestKeys.trusting(TestKeys.signer(algorithm));

    assertFailure(
        () -> BundleVerifier.verifyFile(bundle, CONTENT, policy, SIGNED_AT, NOW),
        VerificationFailure.UNKNOWN_KEY);
  }

  @Test
  void fileSignedByExpiredKeyIsRejected() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Bundle bundle = BundleSigner.signFile(signer, CONTENT);
    TrustPolicy policy = TrustPolicy.of(TestKeys.trusted(signer).validUntil(SIGNED_AT));

    assertFailure(
        () -> BundleVerifier.verifyFile(bundle, CONTENT, policy, SIGNED_AT, NOW),
        VerificationFailure.KEY_EXPIRED);
  }

  @Test
  void envelopeBundleIsRejectedAsFile() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);

    assertFailure(
            () ->
                BundleVerifier.verifyFile(
                    imageBundle(signer), CONTENT, TestKeys.trusting(signer), SIGNED_AT, NOW),
            VerificationFailure.SUBJECT_MISMATCH)
        .hasMessageContaining("contains a DSSE envelope");
  }

  @Test
  void missingFileIsReported() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Bundle bundle = BundleSigner.signFile(signer, CONTENT);
    Path missing = dir.resolve("missing");

    assertThatThrownBy(
            () ->
                BundleVerifier.verifyFile(
                    bundle, missing, TestKeys.trusting(signer), SIGNED_AT, NOW))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(missing.toString());
  }
}
