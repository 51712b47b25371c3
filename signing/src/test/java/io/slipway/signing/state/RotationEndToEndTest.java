package io.slipway.signing.state;

import static io.slipway.signing.VerificationAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.signing.MutableClock;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.keystore.FileKeyStore;
import io.slipway.signing.keystore.MasterKey;
import io.slipway.signing.keystore.StoredKey;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signs target states with a file key store through a rotation and checks them against the trust
 * policy the store publishes, as a device would.
 */
class RotationEndToEndTest {

  private static final String DEVICE = "9f1c7e2a-3b4d-4e5f-8a6b-7c8d9e0f1a2b";

  @TempDir Path directory;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00.400Z"));

  private TargetStateDocument state() {
    Instant now = clock.instant();
    return new TargetStateDocument(
        DEVICE, "acme/gateways", now, now.plus(Duration.ofDays(1)), 1, null, null);
  }

  @Test
  void retiredKeyVerifiesOnlyEarlierStates() {
    FileKeyStore store = FileKeyStore.open(directory, MasterKey.generate(), clock);
    KeyPair oldPair = KeyAlgorithm.ECDSA_P256.generate();
    StoredKey old = store.importPrivateKey(PemKeys.privateKeyPem(oldPair.getPrivate()), null);
    Envelope signedInFirstSecond = state().sign(store.activeSigner());

    clock.advance(Duration.ofMinutes(10));
    StoredKey next = store.generate(KeyAlgorithm.ED25519, null);
    store.activate(next.hint());
    clock.advance(Duration.ofMinutes(10));
    store.retire(old.hint());
    clock.advance(Duration.ofMinutes(10));
    Envelope signedByNewKey = state().sign(store.activeSigner());
    // The old private key leaked: it signs a state dated after its retirement.
    Envelope signedByRetiredKey = state().sign(new LocalSigner(oldPair));

    Instant now = clock.instant();
    assertThat(
            TargetStateDocument.verify(signedInFirstSecond, store.trustPolicy(), DEVICE, null, now)
                .issuedAt())
        .isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(
            TargetStateDocument.verify(signedByNewKey, store.trustPolicy(), DEVICE, null, now)
                .deviceUuid())
        .isEqualTo(DEVICE);
    assertFails(
        () ->
            TargetStateDocument.verify(signedByRetiredKey, store.trustPolicy(), DEVICE, null, now),
        VerificationFailure.KEY_RETIRED);
  }

  @Test
  void revocationRejectsEverythingTheKeySigned() {
    FileKeyStore store = FileKeyStore.open(directory, MasterKey.generate(), clock);
    StoredKey old = store.generate(KeyAlgorithm.ECDSA_P256, null);
    Envelope signed = state().sign(store.activeSigner());
    store.activate(store.generate(KeyAlgorithm.ECDSA_P256, null).hint());

    store.revoke(old.hint());

    assertFails(
        () ->
            TargetStateDocument.verify(signed, store.trustPolicy(), DEVICE, null, clock.instant()),
        VerificationFailure.KEY_REVOKED);
  }
}
