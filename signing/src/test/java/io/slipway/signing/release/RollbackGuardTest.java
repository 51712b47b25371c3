package io.slipway.signing.release;

import static io.slipway.signing.VerificationAssertions.assertFails;
import static io.slipway.signing.release.ReleaseFixtures.DEVICE;
import static io.slipway.signing.release.ReleaseFixtures.FLEET;
import static io.slipway.signing.release.ReleaseFixtures.release;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.slipway.signing.VerificationFailure;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RollbackGuardTest {

  private static final Instant PINNED_AT = Instant.parse("2026-03-05T09:00:00Z");
  private static final String OTHER_DEVICE = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

  private final ReleaseDocument older = release(3);

  private PinDocument pin(String fleet, String device, long sequence, String digest) {
    return new PinDocument(fleet, device, sequence, digest, PINNED_AT, "alice");
  }

  @Test
  void newerReleasePasses() {
    assertThatCode(() -> RollbackGuard.check(release(6), FLEET, DEVICE, 5, null))
        .doesNotThrowAnyException();
  }

  @Test
  void firstInstallPasses() {
    assertThatCode(() -> RollbackGuard.check(older, FLEET, DEVICE, 0, null))
        .doesNotThrowAnyException();
  }

  @Test
  void equalSequencePasses() {
    assertThatCode(() -> RollbackGuard.check(release(5), FLEET, DEVICE, 5, null))
        .doesNotThrowAnyException();
  }

  @Test
  void olderReleaseWithoutPinIsRollback() {
    var thrown =
        assertFails(
            () -> RollbackGuard.check(older, FLEET, DEVICE, 5, null), VerificationFailure.ROLLBACK);

    org.assertj.core.api.Assertions.assertThat(thrown)
        .hasMessageContaining("sequence 3")
        .hasMessageContaining("installed sequence 5");
  }

  @Test
  void olderReleasePinnedForDevicePasses() {
    PinDocument pin = pin(FLEET, DEVICE, 3, older.digest());

    assertThatCode(() -> RollbackGuard.check(older, FLEET, DEVICE, 5, pin))
        .doesNotThrowAnyException();
  }

  @Test
  void olderReleasePinnedFleetWidePasses() {
    PinDocument pin = pin(FLEET, null, 3, older.digest());

    assertThatCode(() -> RollbackGuard.check(older, FLEET, DEVICE, 5, pin))
        .doesNotThrowAnyException();
  }

  @Test
  void pinForAnotherDeviceIsRollback() {
    PinDocument pin = pin(FLEET, OTHER_DEVICE, 3, older.digest());

    assertFails(
        () -> RollbackGuard.check(older, FLEET, DEVICE, 5, pin), VerificationFailure.ROLLBACK);
  }

  @Test
  void pinForAnotherSequenceIsRollback() {
    PinDocument pin = pin(FLEET, DEVICE, 4, older.digest());

    assertFails(
        () -> RollbackGuard.check(older, FLEET, DEVICE, 5, pin), VerificationFailure.ROLLBACK);
  }

  @Test
  void pinForAnotherDigestIsRollback() {
    PinDocument pin = pin(FLEET, DEVICE, 3, release(4).digest());

    assertFails(
        () -> RollbackGuard.check(older, FLEET, DEVICE, 5, pin), VerificationFailure.ROLLBACK);
  }

  @Test
  void pinForAnotherFleetIsRollback() {
    PinDocument pin = pin("acme/sensors", DEVICE, 3, older.digest());

    assertFails(
        () -> RollbackGuard.check(older, FLEET, DEVICE, 5, pin), VerificationFailure.ROLLBACK);
  }

  @Test
  void releaseOfAnotherFleetIsSubjectMismatch() {
    assertFails(
        () -> RollbackGuard.check(release(6), "acme/sensors", DEVICE, 5, null),
        VerificationFailure.SUBJECT_MISMATCH);
  }

  @Test
  void pinSignedByUnknownKeyNeverReachesGuard() {
    LocalSigner releaseManager = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    LocalSigner stranger = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    TrustPolicy policy =
        TrustPolicy.of(TrustedKey.active(releaseManager.publicKey(), Instant.EPOCH));
    var envelope = pin(FLEET, DEVICE, 3, older.digest()).sign(stranger);

    assertFails(
        () -> PinDocument.verify(envelope, policy, PINNED_AT), VerificationFailure.UNKNOWN_KEY);
  }

  @Test
  void verifiedPinAllowsRollback() {
    LocalSigner releaseManager = LocalSigner.generate(KeyAlgorithm.ED25519);
    TrustPolicy policy =
        TrustPolicy.of(TrustedKey.active(releaseManager.publicKey(), Instant.EPOCH));
    var envelope = pin(FLEET, null, 3, older.digest()).sign(releaseManager);
    PinDocument verified = PinDocument.verify(envelope, policy, PINNED_AT);

    assertThatCode(() -> RollbackGuard.check(older, FLEET, DEVICE, 5, verified))
        .doesNotThrowAnyException();
  }
}
