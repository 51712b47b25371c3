package io.slipway.signing.release;

import static io.slipway.signing.VerificationAssertions.assertFails;
import static io.slipway.signing.release.ReleaseFixtures.DEVICE;
import static io.slipway.signing.release.ReleaseFixtures.FLEET;
import static io.slipway.signing.release.ReleaseFixtures.release;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.signing.VerificationFailure;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleSigner;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.state.TargetRelease;
import io.slipway.signing.state.TargetStateDocument;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import io.slipway.signing.trust.VersionedTrustPolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReleaseVerifierTest {

  private static final Instant KEY_CREATED = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NOW = Instant.parse("2026-03-02T00:00:00Z");

  private static final long KEY_LIST_VERSION = 5;

  private final LocalSigner signer = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
  private final TrustPolicy keys =
      TrustPolicy.of(TrustedKey.active(signer.publicKey(), KEY_CREATED));
  private final VersionedTrustPolicy policy = new VersionedTrustPolicy(keys, KEY_LIST_VERSION);

  @Test
  void acceptsReleaseTheStateNames() {
    ReleaseDocument document = release(3);

    ReleaseDocument verified =
        ReleaseVerifier.verify(sign(document), stateFor(document, null), 2, policy, NOW);

    assertThat(verified).isEqualTo(document);
  }

  @Test
  void rejectsDeviceWithOlderKeyList() {
    ReleaseDocument document = release(3);
    VersionedTrustPolicy stale = new VersionedTrustPolicy(keys, KEY_LIST_VERSION - 1);

    var thrown =
        assertFails(
            () -> ReleaseVerifier.verify(sign(document), stateFor(document, null), 2, stale, NOW),
            VerificationFailure.STALE_TRUST_POLICY);

    assertThat(thrown).hasMessageContaining("version " + KEY_LIST_VERSION);
  }

  @Test
  void rejectsProvisionedKeysBeforeFirstKeyList() {
    ReleaseDocument document = release(3);
    VersionedTrustPolicy provisioned = new VersionedTrustPolicy(keys, 0);

    assertFails(
        () -> ReleaseVerifier.verify(sign(document), stateFor(document, null), 2, provisioned, NOW),
        VerificationFailure.STALE_TRUST_POLICY);
  }

  @Test
  void staleKeyListIsReportedBeforeMissingRelease() {
    TargetStateDocument empty =
        new TargetStateDocument(
            DEVICE, FLEET, NOW, NOW.plus(Duration.ofDays(1)), KEY_LIST_VERSION, null, null);
    VersionedTrustPolicy stale = new VersionedTrustPolicy(keys, KEY_LIST_VERSION - 1);

    assertFails(
        () -> ReleaseVerifier.verify(sign(release(3)), empty, 0, stale, NOW),
        VerificationFailure.STALE_TRUST_POLICY);
  }

  @Test
  void acceptsDeviceWithNewerKeyList() {
    ReleaseDocument document = release(3);
    VersionedTrustPolicy newer = new VersionedTrustPolicy(keys, KEY_LIST_VERSION + 1);

    ReleaseDocument verified =
        ReleaseVerifier.verify(sign(document), stateFor(document, null), 2, newer, NOW);

    assertThat(verified).isEqualTo(document);
  }

  @Test
  void rejectsStateWithoutRelease() {
    TargetStateDocument empty =
        new TargetStateDocument(
            DEVICE, FLEET, NOW, NOW.plus(Duration.ofDays(1)), KEY_LIST_VERSION, null, null);

    assertFails(
        () -> ReleaseVerifier.verify(sign(release(3)), empty, 0, policy, NOW),
        VerificationFailure.UNSIGNED);
  }

  @Test
  void rejectsReleaseOtherThanTheNamedOne() {
    TargetStateDocument state = stateFor(release(4), null);

    assertFails(
        () -> ReleaseVerifier.verify(sign(release(3)), state, 0, policy, NOW),
        VerificationFailure.DIGEST_MISMATCH);
  }

  @Test
  void rejectsBundleOfUntrustedKey() {
    ReleaseDocument document = release(3);
    LocalSigner stranger = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    Bundle foreign = BundleSigner.signStatement(stranger, document.toStatement());

    assertFails(
        () -> ReleaseVerifier.verify(foreign, stateFor(document, null), 0, policy, NOW),
        VerificationFailure.UNKNOWN_KEY);
  }

  @Test
  void rejectsOlderReleaseWithoutPin() {
    ReleaseDocument older = release(2);

    assertFails(
        () -> ReleaseVerifier.verify(sign(older), stateFor(older, null), 3, policy, NOW),
        VerificationFailure.ROLLBACK);
  }

  @Test
  void acceptsOlderReleaseWithSignedPin() {
    ReleaseDocument older = release(2);
    Envelope pin =
        new PinDocument(FLEET, DEVICE, 2, older.digest(), NOW.minusSeconds(60), "release-manager")
            .sign(signer);

    ReleaseDocument verified =
        ReleaseVerifier.verify(sign(older), stateFor(older, pin), 3, policy, NOW);

    assertThat(verified.sequence()).isEqualTo(2);
  }

  @Test
  void rejectsPinSignedByUntrustedKey() {
    ReleaseDocument older = release(2);
    LocalSigner stranger = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    Envelope pin =
        new PinDocument(FLEET, DEVICE, 2, older.digest(), NOW.minusSeconds(60), "intruder")
            .sign(stranger);

    assertFails(
        () -> ReleaseVerifier.verify(sign(older), stateFor(older, pin), 3, policy, NOW),
        VerificationFailure.UNKNOWN_KEY);
  }

  private Bundle sign(ReleaseDocument document) {
    return BundleSigner.signStatement(signer, document.toStatement());
  }

  private static TargetStateDocument stateFor(ReleaseDocument document, Envelope pin) {
    TargetRelease target =
        new TargetRelease(
            document.releaseId(), document.version(), document.sequence(), document.digest());
    return new TargetStateDocument(
        DEVICE,
        FLEET,
        NOW.minusSeconds(10),
        NOW.plus(Duration.ofDays(1)),
        KEY_LIST_VERSION,
        target,
        pin);
  }
}
