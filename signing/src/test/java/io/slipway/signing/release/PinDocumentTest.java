package io.slipway.signing.release;

import static io.slipway.signing.VerificationAssertions.assertFails;
import static io.slipway.signing.release.ReleaseFixtures.DEVICE;
import static io.slipway.signing.release.ReleaseFixtures.FLEET;
import static io.slipway.signing.release.ReleaseFixtures.release;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PinDocumentTest {

  private static final Instant KEY_CREATED = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant PINNED_AT = Instant.parse("2026-03-02T08:00:00Z");
  private static final Instant NOW = PINNED_AT.plus(Duration.ofHours(1));

  private final LocalSigner signer = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
  private final TrustedKey trusted = TrustedKey.active(signer.publicKey(), KEY_CREATED);
  private final PinDocument pin =
      new PinDocument(FLEET, DEVICE, 3, release(3).digest(), PINNED_AT, "alice");

  @Test
  void signedPinVerifies() {
    Envelope envelope = pin.sign(signer);

    assertThat(PinDocument.verify(envelope, TrustPolicy.of(trusted), NOW)).isEqualTo(pin);
  }

  @Test
  void fleetWidePinHasNullDevice() {
    PinDocument fleetWide = new PinDocument(FLEET, null, 3, release(3).digest(), PINNED_AT, "bob");

    assertThat(new String(fleetWide.toJson(), StandardCharsets.UTF_8))
        .contains("\"deviceUuid\":null");
    assertThat(PinDocument.parse(fleetWide.toJson())).isEqualTo(fleetWide);
    assertThat(fleetWide.fleetWide()).isTrue();
  }

  @Test
  void pinByUnknownKeyIsRejected() {
    LocalSigner stranger = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);

    assertFails(
        () -> PinDocument.verify(pin.sign(stranger), TrustPolicy.of(trusted), NOW),
        VerificationFailure.UNKNOWN_KEY);
  }

  @Test
  void pinByRevokedKeyIsRejected() {
    assertFails(
        () -> PinDocument.verify(pin.sign(signer), TrustPolicy.of(trusted.revoke()), NOW),
        VerificationFailure.KEY_REVOKED);
  }

  @Test
  void pinSignedAfterRetirementIsRejected() {
    TrustedKey retired = trusted.retiredAt(PINNED_AT.minus(Duration.ofMinutes(1)));

    assertFails(
        () -> PinDocument.verify(pin.sign(signer), TrustPolicy.of(retired), NOW),
        VerificationFailure.KEY_RETIRED);
  }

  @Test
  void pinSignedBeforeRetirementVerifies() {
    TrustedKey retired = trusted.retiredAt(PINNED_AT.plus(Duration.ofMinutes(1)));

    assertThat(PinDocument.verify(pin.sign(signer), TrustPolicy.of(retired), NOW)).isEqualTo(pin);
  }

  @Test
  void tamperedPinIsBadSignature() {
    Envelope signed = pin.sign(signer);
    byte[] payload =
        new String(signed.payload(), StandardCharsets.UTF_8)
            .replace("\"releaseSequence\":3", "\"releaseSequence\":2")
            .getBytes(StandardCharsets.UTF_8);
    Envelope tampered = new Envelope(signed.payloadType(), payload, signed.signatures());

    assertFails(
        () -> PinDocument.verify(tampered, TrustPolicy.of(trusted), NOW),
        VerificationFailure.BAD_SIGNATURE);
  }

  @Test
  void otherPayloadTypeIsSubjectMismatch() {
    Envelope signed = pin.sign(signer);
    Envelope relabelled =
        io.slipway.signing.dsse.Dsse.sign(
            signer, "application/vnd.slipway.target-state.v1+json", signed.payload());

    assertFails(
        () -> PinDocument.verify(relabelled, TrustPolicy.of(trusted), NOW),
        VerificationFailure.SUBJECT_MISMATCH);
  }

  @Test
  void signedGarbageIsMalformed() {
    Envelope garbage =
        io.slipway.signing.dsse.Dsse.sign(
            signer, PinDocument.PAYLOAD_TYPE, "{\"_type\":\"x\"}".getBytes(StandardCharsets.UTF_8));

    assertFails(
        () -> PinDocument.verify(garbage, TrustPolicy.of(trusted), NOW),
        VerificationFailure.MALFORMED);
  }

  @Test
  void missingPinnedByIsMalformedNamingField() {
    String json =
        new String(pin.toJson(), StandardCharsets.UTF_8).replace(",\"pinnedBy\":\"alice\"", "");

    var thrown =
        assertFails(
            () -> PinDocument.parse(json.getBytes(StandardCharsets.UTF_8)),
            VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("'pinnedBy'");
  }
}
