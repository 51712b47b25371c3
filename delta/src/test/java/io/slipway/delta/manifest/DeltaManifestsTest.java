package io.slipway.delta.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.slipway.delta.image.Digest;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleSigner;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.image.ImageStatements;
import io.slipway.signing.intoto.Statement;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class DeltaManifestsTest {

  private static final Instant VALID_FROM = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant SIGNED_AT = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant NOW = Instant.parse("2026-03-02T00:00:00Z");

  private static final Digest SOURCE = Digest.of(bytes("source manifest"));
  private static final Digest TARGET = Digest.of(bytes("target manifest"));
  private static final Digest PAYLOAD = Digest.of(bytes("payload"));
  private static final DeltaManifest MANIFEST =
      DeltaManifest.current(SOURCE, TARGET, 4096, PAYLOAD);

  private final LocalSigner signer = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
  private final TrustPolicy policy = trusting(signer);

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void signedManifestVerifies(KeyAlgorithm algorithm) {
    LocalSigner own = LocalSigner.generate(algorithm);
    Bundle bundle = DeltaManifests.sign(own, MANIFEST, SIGNED_AT);

    assertThat(DeltaManifests.verify(bundle, trusting(own), NOW)).isEqualTo(MANIFEST);
  }

  @Test
  void signedManifestVerifiesAgainstItsPayload() {
    Bundle bundle = DeltaManifests.sign(signer, MANIFEST, SIGNED_AT);

    assertThat(DeltaManifests.verify(bundle, PAYLOAD, policy, NOW)).isEqualTo(MANIFEST);
  }

  @Test
  void bundleSurvivesJsonRoundTrip() {
    Bundle bundle = DeltaManifests.sign(signer, MANIFEST, SIGNED_AT);

    Bundle parsed = Bundle.parse(bundle.toJson());

    assertThat(DeltaManifests.verify(parsed, policy, NOW)).isEqualTo(MANIFEST);
  }

  @Test
  void statementNamesPayloadAndImages() {
    Statement statement = DeltaManifests.toStatement(MANIFEST, SIGNED_AT.plusMillis(750));

    assertThat(statement.subjects()).containsExactly(new Statement.Subject("delta", PAYLOAD.hex()));
    assertThat(statement.predicateType()).isEqualTo("https://slipway.io/delta/v1");
    JsonNode predicate = statement.predicate();
    assertThat(predicate.get("source").asString()).isEqualTo(SOURCE.value());
    assertThat(predicate.get("target").asString()).isEqualTo(TARGET.value());
    assertThat(predicate.get("formatVersion").asInt()).isEqualTo(1);
    assertThat(predicate.get("payloadSize").asLong()).isEqualTo(4096);
    assertThat(predicate.get("signedAt").asString()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(predicate.size()).isEqualTo(5);
  }

  @Test
  void tamperedPredicateIsRejected() {
    Envelope signed = DeltaManifests.sign(signer, MANIFEST, SIGNED_AT).envelope().orElseThrow();
    DeltaManifest larger = DeltaManifest.current(SOURCE, TARGET, 1 << 20, PAYLOAD);
    byte[] payload = DeltaManifests.toStatement(larger, SIGNED_AT).toJson();
    Bundle tampered =
        Bundle.ofEnvelope(
            signer.hint(), new Envelope(signed.payloadType(), payload, signed.signatures()));

    assertFails(
        () -> DeltaManifests.verify(tampered, policy, NOW), VerificationFailure.BAD_SIGNATURE);
  }

  @Test
  void tamperedSourceIsRejected() {
    Envelope signed = DeltaManifests.sign(signer, MANIFEST, SIGNED_AT).envelope().orElseThrow();
    Digest other = Digest.of(bytes("another source"));
    byte[] payload =
        DeltaManifests.toStatement(DeltaManifest.current(other, TARGET, 4096, PAYLOAD), SIGNED_AT)
            .toJson();
    Bundle tampered =
        Bundle.ofEnvelope(
            signer.hint(), new Envelope(signed.payloadType(), payload, signed.signatures()));

    assertFails(
        () -> DeltaManifests.verify(tampered, policy, NOW), VerificationFailure.BAD_SIGNATURE);
  }

  @Test
  void imageStatementIsNotDeltaManifest() {
    Statement image =
        ImageStatements.of(
            "acme/gateways/web",
            PAYLOAD.value(),
            "application/vnd.oci.image.manifest.v1+json",
            SIGNED_AT);
    Bundle bundle = BundleSigner.signStatement(signer, image);

    VerificationException thrown =
        assertFails(
            () -> DeltaManifests.verify(bundle, policy, NOW), VerificationFailure.SUBJECT_MISMATCH);
    assertThat(thrown).hasMessageContaining("https://slipway.io/image/v1");
  }

  @Test
  void fileSignatureIsNotDeltaManifest() {
    Bundle bundle = BundleSigner.signFile(signer, bytes("payload"));

    assertFails(
        () -> DeltaManifests.verify(bundle, policy, NOW), VerificationFailure.SUBJECT_MISMATCH);
  }

  @Test
  void untrustedKeyIsRejected() {
    LocalSigner stranger = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    Bundle bundle = DeltaManifests.sign(stranger, MANIFEST, SIGNED_AT);

    assertFails(() -> DeltaManifests.verify(bundle, policy, NOW), VerificationFailure.UNKNOWN_KEY);
  }

  @Test
  void signingTimeBeforeKeyValidityIsRejected() {
    Bundle bundle = DeltaManifests.sign(signer, MANIFEST, VALID_FROM.minusSeconds(60));

    assertFails(
        () -> DeltaManifests.verify(bundle, policy, NOW), VerificationFailure.KEY_NOT_YET_VALID);
  }

  @Test
  void bundleForAnotherPayloadIsRejected() {
    Bundle bundle = DeltaManifests.sign(signer, MANIFEST, SIGNED_AT);
    Digest downloaded = Digest.of(bytes("another payload"));

    VerificationException thrown =
        assertFails(
            () -> DeltaManifests.verify(bundle, downloaded, policy, NOW),
            VerificationFailure.DIGEST_MISMATCH);
    assertThat(thrown).hasMessageContaining(downloaded.value());
  }

  @Test
  void unknownPredicateFieldIsRejected() {
    ObjectNode predicate = predicate();
    predicate.put("compression", "none");

    VerificationException thrown =
        assertFails(() -> verifySigned(predicate, "delta"), VerificationFailure.MALFORMED);
    assertThat(thrown).hasMessageContaining("compression");
  }

  @Test
  void typeFieldInPredicateIsRejected() {
    ObjectNode predicate = predicate();
    predicate.put("_type", DeltaManifests.PREDICATE_TYPE);

    assertFails(() -> verifySigned(predicate, "delta"), VerificationFailure.MALFORMED);
  }

  @Test
  void missingPredicateFieldIsRejected() {
    ObjectNode predicate = predicate();
    predicate.remove("payloadSize");

    VerificationException thrown =
        assertFails(() -> verifySigned(predicate, "delta"), VerificationFailure.MALFORMED);
    assertThat(thrown).hasMessageContaining("payloadSize");
  }

  @Test
  void sizeAsTextIsRejected() {
    ObjectNode predicate = predicate();
    predicate.put("payloadSize", "4096");

    assertFails(() -> verifySigned(predicate, "delta"), VerificationFailure.MALFORMED);
  }

  @Test
  void malformedSourceDigestIsRejected() {
    ObjectNode predicate = predicate();
    predicate.put("source", "sha256:ABC");

    VerificationException thrown =
        assertFails(() -> verifySigned(predicate, "delta"), VerificationFailure.MALFORMED);
    assertThat(thrown).hasMessageContaining("sha256:ABC");
  }

  @Test
  void sameSourceAndTargetIsRejected() {
    ObjectNode predicate = predicate();
    predicate.put("target", SOURCE.value());

    assertFails(() -> verifySigned(predicate, "delta"), VerificationFailure.MALFORMED);
  }

  @Test
  void fractionalSigningTimeIsRejected() {
    ObjectNode predicate = predicate();
    predicate.put("signedAt", "2026-03-01T10:00:00.5Z");

    assertFails(() -> verifySigned(predicate, "delta"), VerificationFailure.MALFORMED);
  }

  @Test
  void subjectWithOtherNameIsRejected() {
    assertFails(() -> verifySigned(predicate(), "image"), VerificationFailure.MALFORMED);
  }

  @Test
  void secondSubjectIsRejected() {
    Statement statement =
        new Statement(
            List.of(
                new Statement.Subject("delta", PAYLOAD.hex()),
                new Statement.Subject("delta", SOURCE.hex())),
            DeltaManifests.PREDICATE_TYPE,
            predicate());
    Bundle bundle = BundleSigner.signStatement(signer, statement);

    assertFails(() -> DeltaManifests.verify(bundle, policy, NOW), VerificationFailure.MALFORMED);
  }

  private DeltaManifest verifySigned(ObjectNode predicate, String subjectName) {
    Statement statement =
        new Statement(
            List.of(new Statement.Subject(subjectName, PAYLOAD.hex())),
            DeltaManifests.PREDICATE_TYPE,
            predicate);
    return DeltaManifests.verify(BundleSigner.signStatement(signer, statement), policy, NOW);
  }

  private static ObjectNode predicate() {
    return (ObjectNode) DeltaManifests.toStatement(MANIFEST, SIGNED_AT).predicate();
  }

  private static TrustPolicy trusting(LocalSigner signer) {
    return TrustPolicy.of(TrustedKey.active(signer.publicKey(), VALID_FROM));
  }

  private static VerificationException assertFails(
      ThrowingCallable call, VerificationFailure failure) {
    VerificationException thrown = catchThrowableOfType(call, VerificationException.class);
    assertThat(thrown).as("the verification exception").isNotNull();
    assertThat(thrown.failure()).as("failure of: " + thrown.getMessage()).isEqualTo(failure);
    return thrown;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
