package io.slipway.signing.state;

import static io.slipway.signing.VerificationAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Dsse;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.release.PinDocument;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TargetStateDocumentTest {

  private static final String DEVICE = "9f1c7e2a-3b4d-4e5f-8a6b-7c8d9e0f1a2b";
  private static final String FLEET = "acme/gateways";
  private static final String DIGEST = "sha256:" + "d".repeat(64);
  private static final Instant ISSUED_AT = Instant.parse("2026-03-02T12:00:00Z");
  private static final Instant NOW = ISSUED_AT.plus(Duration.ofHours(2));
  private static final long KEY_LIST_VERSION = 3;

  private final LocalSigner signer = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
  private final TrustedKey trusted =
      TrustedKey.active(signer.publicKey(), Instant.parse("2026-01-01T00:00:00Z"));
  private final TrustPolicy policy = TrustPolicy.of(trusted);
  private final TargetStateDocument state = state(ISSUED_AT, null);

  private static TargetStateDocument state(Instant issuedAt, Envelope pin) {
    return new TargetStateDocument(
        DEVICE,
        FLEET,
        issuedAt,
        issuedAt.plus(Duration.ofDays(1)),
        KEY_LIST_VERSION,
        new TargetRelease(17, "1.4.0", 4, DIGEST),
        pin);
  }

  @Test
  void signedStateVerifies() {
    assertThat(TargetStateDocument.verify(state.sign(signer), policy, DEVICE, null, NOW))
        .isEqualTo(state);
  }

  @Test
  void stateWithoutTargetRoundTrips() {
    TargetStateDocument empty =
        new TargetStateDocument(DEVICE, FLEET, ISSUED_AT, NOW, KEY_LIST_VERSION, null, null);

    assertThat(TargetStateDocument.parse(empty.toJson())).isEqualTo(empty);
  }

  @Test
  void stateCarriesSignedPin() {
    Envelope pin = new PinDocument(FLEET, DEVICE, 4, DIGEST, ISSUED_AT, "alice").sign(signer);
    TargetStateDocument pinned = state(ISSUED_AT, pin);

    TargetStateDocument verified =
        TargetStateDocument.verify(pinned.sign(signer), policy, DEVICE, null, NOW);

    assertThat(verified.pin()).isEqualTo(pin);
    assertThat(PinDocument.verify(verified.pin(), policy, NOW).releaseSequence()).isEqualTo(4);
  }

  @Test
  void expiredStateIsRejected() {
    Instant later = state.expiresAt().plusSeconds(1);

    assertFails(
        () -> TargetStateDocument.verify(state.sign(signer), policy, DEVICE, null, later),
        VerificationFailure.EXPIRED);
  }

  @Test
  void stateAtItsExpiryStillVerifies() {
    Instant atExpiry = state.expiresAt();

    assertThat(TargetStateDocument.verify(state.sign(signer), policy, DEVICE, null, atExpiry))
        .isEqualTo(state);
  }

  @Test
  void olderStateThanLastAcceptedIsReplayed() {
    Instant lastAccepted = ISSUED_AT.plus(Duration.ofMinutes(30));

    var thrown =
        assertFails(
            () -> TargetStateDocument.verify(state.sign(signer), policy, DEVICE, lastAccepted, NOW),
            VerificationFailure.REPLAYED);

    assertThat(thrown).hasMessageContaining(lastAccepted.toString());
  }

  @Test
  void sameStateAcceptedTwicePasses() {
    assertThat(TargetStateDocument.verify(state.sign(signer), policy, DEVICE, ISSUED_AT, NOW))
        .isEqualTo(state);
  }

  @Test
  void stateForAnotherDeviceIsSubjectMismatch() {
    String other = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    assertFails(
        () -> TargetStateDocument.verify(state.sign(signer), policy, other, null, NOW),
        VerificationFailure.SUBJECT_MISMATCH);
  }

  @Test
  void stateIssuedFarInFutureIsMalformed() {
    Instant deviceTime = ISSUED_AT.minus(Duration.ofMinutes(6));

    assertFails(
        () -> TargetStateDocument.verify(state.sign(signer), policy, DEVICE, null, deviceTime),
        VerificationFailure.MALFORMED);
  }

  @Test
  void stateIssuedWithinClockSkewVerifies() {
    Instant deviceTime = ISSUED_AT.minus(Duration.ofMinutes(4));

    assertThat(TargetStateDocument.verify(state.sign(signer), policy, DEVICE, null, deviceTime))
        .isEqualTo(state);
  }

  @Test
  void tamperedPayloadIsBadSignature() {
    Envelope signed = state.sign(signer);
    byte[] payload =
        new String(signed.payload(), StandardCharsets.UTF_8)
            .replace("\"sequence\":4", "\"sequence\":5")
            .getBytes(StandardCharsets.UTF_8);
    Envelope tampered = new Envelope(signed.payloadType(), payload, signed.signatures());

    assertFails(
        () -> TargetStateDocument.verify(tampered, policy, DEVICE, null, NOW),
        VerificationFailure.BAD_SIGNATURE);
  }

  @Test
  void stateSignedByWrongKeyIsUnknownKey() {
    LocalSigner stranger = LocalSigner.generate(KeyAlgorithm.ED25519);

    assertFails(
        () -> TargetStateDocument.verify(state.sign(stranger), policy, DEVICE, null, NOW),
        VerificationFailure.UNKNOWN_KEY);
  }

  @Test
  void forgedHintIsBadSignature() {
    LocalSigner stranger = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    Envelope forged = state.sign(stranger);
    Envelope relabelled =
        new Envelope(
            forged.payloadType(),
            forged.payload(),
            java.util.List.of(
                new io.slipway.signing.dsse.EnvelopeSignature(
                    signer.hint(), forged.signatures().get(0).signature())));

    assertFails(
        () -> TargetStateDocument.verify(relabelled, policy, DEVICE, null, NOW),
        VerificationFailure.BAD_SIGNATURE);
  }

  @Test
  void stateSignedAfterKeyRetirementIsRejected() {
    TrustPolicy retired = TrustPolicy.of(trusted.retiredAt(ISSUED_AT.minus(Duration.ofHours(1))));

    assertFails(
        () -> TargetStateDocument.verify(state.sign(signer), retired, DEVICE, null, NOW),
        VerificationFailure.KEY_RETIRED);
  }

  @Test
  void stateSignedBeforeKeyRetirementVerifies() {
    TrustPolicy retired = TrustPolicy.of(trusted.retiredAt(ISSUED_AT.plus(Duration.ofHours(1))));

    assertThat(TargetStateDocument.verify(state.sign(signer), retired, DEVICE, null, NOW))
        .isEqualTo(state);
  }

  @Test
  void garbageByUnknownKeyIsUnknownKey() {
    LocalSigner stranger = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    Envelope garbage =
        Dsse.sign(
            stranger,
            TargetStateDocument.PAYLOAD_TYPE,
            "not json".getBytes(StandardCharsets.UTF_8));

    assertFails(
        () -> TargetStateDocument.verify(garbage, policy, DEVICE, null, NOW),
        VerificationFailure.UNKNOWN_KEY);
  }

  @Test
  void unknownTypeIsMalformed() {
    String json =
        new String(state.toJson(), StandardCharsets.UTF_8).replace("target-state/v1", "other/v1");

    var thrown =
        assertFails(
            () -> TargetStateDocument.parse(json.getBytes(StandardCharsets.UTF_8)),
            VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("_type");
  }

  @Test
  void missingExpiryIsMalformedNamingField() {
    String json =
        new String(state.toJson(), StandardCharsets.UTF_8)
            .replaceAll("\"expiresAt\":\"[^\"]+\",", "");

    var thrown =
        assertFails(
            () -> TargetStateDocument.parse(json.getBytes(StandardCharsets.UTF_8)),
            VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("'expiresAt'");
  }

  @Test
  void missingTargetFieldIsMalformedNamingField() {
    String json =
        new String(state.toJson(), StandardCharsets.UTF_8).replace("\"releaseId\":17,", "");

    var thrown =
        assertFails(
            () -> TargetStateDocument.parse(json.getBytes(StandardCharsets.UTF_8)),
            VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("'releaseId'");
  }

  @Test
  void retiredKeyCannotSignLongLivedState() {
    Instant retiredAt = ISSUED_AT.plus(Duration.ofHours(1));
    TrustPolicy retired = TrustPolicy.of(trusted.retiredAt(retiredAt));
    // Written as JSON, because whoever holds the retired key need not use this class.
    String json =
        new String(state.toJson(), StandardCharsets.UTF_8)
            .replace(
                "\"expiresAt\":\"" + state.expiresAt() + "\"",
                "\"expiresAt\":\"" + ISSUED_AT.plus(Duration.ofDays(365)) + "\"");
    Envelope backdated =
        Dsse.sign(signer, TargetStateDocument.PAYLOAD_TYPE, json.getBytes(StandardCharsets.UTF_8));
    Instant monthAfterRetirement = retiredAt.plus(Duration.ofDays(30));

    assertFails(
        () -> TargetStateDocument.verify(backdated, retired, DEVICE, null, monthAfterRetirement),
        VerificationFailure.MALFORMED);
  }

  @Test
  void stateValidForMaximumVerifies() {
    TargetStateDocument longest =
        new TargetStateDocument(
            DEVICE,
            FLEET,
            ISSUED_AT,
            ISSUED_AT.plus(TargetStateDocument.MAX_VALIDITY),
            KEY_LIST_VERSION,
            null,
            null);

    assertThat(TargetStateDocument.verify(longest.sign(signer), policy, DEVICE, null, NOW))
        .isEqualTo(longest);
  }

  @Test
  void stateValidBeyondMaximumCannotBeMade() {
    Instant tooLate = ISSUED_AT.plus(TargetStateDocument.MAX_VALIDITY).plusSeconds(1);

    assertThatThrownBy(
            () ->
                new TargetStateDocument(
                    DEVICE, FLEET, ISSUED_AT, tooLate, KEY_LIST_VERSION, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than the maximum of 7 days");
  }

  @Test
  void stateNamesItsKeyListVersion() {
    TargetStateDocument verified =
        TargetStateDocument.verify(state.sign(signer), policy, DEVICE, null, NOW);

    assertThat(verified.trustPolicyVersion()).isEqualTo(KEY_LIST_VERSION);
    assertThat(new String(state.toJson(), StandardCharsets.UTF_8))
        .contains("\"trustPolicyVersion\":" + KEY_LIST_VERSION);
  }

  @Test
  void missingKeyListVersionIsMalformedNamingField() {
    String json =
        new String(state.toJson(), StandardCharsets.UTF_8)
            .replace(",\"trustPolicyVersion\":" + KEY_LIST_VERSION, "");

    var thrown =
        assertFails(
            () -> TargetStateDocument.parse(json.getBytes(StandardCharsets.UTF_8)),
            VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("'trustPolicyVersion'");
  }

  @Test
  void keyListVersionZeroIsMalformed() {
    String json =
        new String(state.toJson(), StandardCharsets.UTF_8)
            .replace("\"trustPolicyVersion\":" + KEY_LIST_VERSION, "\"trustPolicyVersion\":0");

    var thrown =
        assertFails(
            () -> TargetStateDocument.parse(json.getBytes(StandardCharsets.UTF_8)),
            VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("key list version 0");
  }

  @Test
  void keyListVersionBelowOneCannotBeMade() {
    assertThatThrownBy(() -> new TargetStateDocument(DEVICE, FLEET, ISSUED_AT, NOW, -1, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key list version -1");
  }

  @Test
  void deviceWithOlderKeyListIsStale() {
    var thrown =
        assertFails(
            () -> state.requireTrustPolicyVersion(KEY_LIST_VERSION - 1),
            VerificationFailure.STALE_TRUST_POLICY);

    assertThat(thrown).hasMessageContaining("device has version " + (KEY_LIST_VERSION - 1));
  }

  @Test
  void deviceWithSameOrNewerKeyListPasses() {
    assertThatCode(() -> state.requireTrustPolicyVersion(KEY_LIST_VERSION))
        .doesNotThrowAnyException();
    assertThatCode(() -> state.requireTrustPolicyVersion(KEY_LIST_VERSION + 1))
        .doesNotThrowAnyException();
  }
}
