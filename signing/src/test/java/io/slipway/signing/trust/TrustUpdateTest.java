package io.slipway.signing.trust;

import static io.slipway.signing.VerificationAssertions.assertFails;
import static io.slipway.signing.VerificationAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.signing.MutableClock;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.dsse.EnvelopeJson;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.keystore.FileKeyStore;
import io.slipway.signing.keystore.MasterKey;
import io.slipway.signing.keystore.StoredKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key list updates as a device applies them, with the key lists that a real {@link FileKeyStore}
 * signs through rotations and revocations.
 */
class TrustUpdateTest {

  @TempDir Path directory;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00.400Z"));
  private final Map<KeyHint, LocalSigner> signers = new HashMap<>();
  private FileKeyStore store;
  private StoredKey first;
  private LocalSigner firstSigner;
  private TrustPolicy provisioned;

  @BeforeEach
  void openStore() {
    store = FileKeyStore.open(directory, MasterKey.generate(), clock);
    first = add(KeyAlgorithm.ECDSA_P256);
    firstSigner = signers.get(first.hint());
    provisioned = TrustPolicy.of(first.toTrustedKey());
    clock.advance(Duration.ofMinutes(1));
  }

  /** Imports a new key into the store and keeps its signer, as a leaked copy of the key. */
  private StoredKey add(KeyAlgorithm algorithm) {
    KeyPair pair = algorithm.generate();
    StoredKey key = store.importPrivateKey(PemKeys.privateKeyPem(pair.getPrivate()), null);
    signers.put(key.hint(), new LocalSigner(pair));
    return key;
  }

  private static TrustedKey withoutRevocation(TrustedKey key) {
    return new TrustedKey(
        key.hint(),
        key.publicKey(),
        key.algorithm(),
        key.validFrom(),
        key.validUntil(),
        key.retiredAt(),
        false);
  }

  /** Returns the store's key list at its generation, signed by every key that may vouch. */
  private Envelope signedList() {
    return TrustPolicyDocument.of(store.generation(), clock.instant(), store.trustPolicy())
        .sign(store.trustSigners());
  }

  private Envelope listSignedBy(long version, TrustPolicy keys, LocalSigner... signers) {
    return TrustPolicyDocument.of(version, clock.instant(), keys).sign(List.of(signers));
  }

  private VersionedTrustPolicy apply(VersionedTrustPolicy device, Envelope update) {
    return TrustUpdate.apply(device.policy(), device.version(), update, clock.instant());
  }

  private StoredKey rotate() {
    clock.advance(Duration.ofMinutes(1));
    return add(KeyAlgorithm.ED25519);
  }

  @Test
  void deviceFollowsEachRotationStep() {
    VersionedTrustPolicy device = new VersionedTrustPolicy(provisioned, 0);

    StoredKey second = rotate();
    Envelope generated = signedList();
    device = apply(device, generated);
    long afterGenerate = device.version();
    clock.advance(Duration.ofMinutes(1));
    store.activate(second.hint());
    device = apply(device, signedList());
    long afterActivate = device.version();
    clock.advance(Duration.ofMinutes(1));
    store.retire(first.hint());
    clock.advance(Duration.ofMinutes(1));
    Envelope retired = signedList();
    device = apply(device, retired);
    TrustPolicy finalPolicy = device.policy();

    assertThat(generated.signatures()).hasSize(2);
    assertThat(retired.signatures()).hasSize(1);
    assertThat(afterActivate).isGreaterThan(afterGenerate);
    assertThat(device.version()).isEqualTo(store.generation());
    assertThat(finalPolicy.check(second.hint(), clock.instant(), clock.instant()).hint())
        .isEqualTo(second.hint());
    assertFails(
        () -> finalPolicy.check(first.hint(), clock.instant(), clock.instant()),
        VerificationFailure.KEY_RETIRED);
  }

  @Test
  void deviceThatSkippedStepsTakesLatestList() {
    StoredKey second = rotate();
    store.activate(second.hint());
    clock.advance(Duration.ofMinutes(1));

    VersionedTrustPolicy device = TrustUpdate.apply(provisioned, 0, signedList(), clock.instant());

    assertThat(device.version()).isEqualTo(store.generation());
    assertThat(device.policy().find(second.hint())).isPresent();
  }

  @Test
  void deviceThatKnowsOnlyRetiredKeyCannotFollow() {
    StoredKey second = rotate();
    store.activate(second.hint());
    store.retire(first.hint());
    clock.advance(Duration.ofMinutes(1));
    Envelope latest = signedList();

    assertFails(
        () -> TrustUpdate.apply(provisioned, 0, latest, clock.instant()),
        VerificationFailure.UNKNOWN_KEY);
  }

  @Test
  void sameListAgainChangesNothing() {
    Envelope list = signedList();
    VersionedTrustPolicy accepted = TrustUpdate.apply(provisioned, 0, list, clock.instant());

    VersionedTrustPolicy again = apply(accepted, list);

    assertThat(again).isEqualTo(accepted);
  }

  @Test
  void unsignedListIsRejected() {
    String unsigned =
        "{\"payload\":\"e30=\",\"payloadType\":\""
            + TrustPolicyDocument.PAYLOAD_TYPE
            + "\",\"signatures\":[]}";

    assertFails(
        () ->
            TrustUpdate.apply(
                provisioned,
                0,
                EnvelopeJson.read(unsigned.getBytes(StandardCharsets.UTF_8)),
                clock.instant()),
        VerificationFailure.UNSIGNED);
  }

  @Test
  void listSignedOnlyByUnknownKeyIsRejected() {
    LocalSigner stranger = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    TrustPolicy keys = TrustPolicy.of(TrustedKey.active(stranger.publicKey(), clock.instant()));

    assertFailure(
            () ->
                TrustUpdate.apply(provisioned, 0, listSignedBy(9, keys, stranger), clock.instant()),
            VerificationFailure.UNKNOWN_KEY)
        .hasMessageContaining(stranger.hint().value());
  }

  @Test
  void listSignedOnlyByRevokedKeyIsRejected() {
    LocalSigner leaked = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    TrustedKey revoked = TrustedKey.active(leaked.publicKey(), clock.instant()).revoke();
    TrustPolicy device = TrustPolicy.of(first.toTrustedKey(), revoked);
    TrustPolicy claimed = TrustPolicy.of(first.toTrustedKey(), withoutRevocation(revoked));

    assertFails(
        () -> TrustUpdate.apply(device, 4, listSignedBy(5, claimed, leaked), clock.instant()),
        VerificationFailure.KEY_REVOKED);
  }

  @Test
  void listSignedOnlyByRetiredKeyIsRejected() {
    StoredKey second = rotate();
    store.activate(second.hint());
    store.retire(first.hint());
    clock.advance(Duration.ofMinutes(1));
    VersionedTrustPolicy device =
        TrustUpdate.apply(TrustPolicy.of(second.toTrustedKey()), 0, signedList(), clock.instant());

    assertFails(
        () -> apply(device, listSignedBy(device.version() + 1, device.policy(), firstSigner)),
        VerificationFailure.KEY_RETIRED);
  }

  @Test
  void olderVersionIsReplayed() {
    Envelope older = signedList();
    rotate();
    VersionedTrustPolicy device = TrustUpdate.apply(provisioned, 0, signedList(), clock.instant());

    assertFailure(() -> apply(device, older), VerificationFailure.REPLAYED)
        .hasMessageContaining("older than the accepted version " + device.version());
  }

  @Test
  void sameVersionWithOtherKeysIsReplayed() {
    VersionedTrustPolicy device = TrustUpdate.apply(provisioned, 0, signedList(), clock.instant());
    StoredKey other = rotate();
    TrustPolicy changed = TrustPolicy.of(first.toTrustedKey(), other.toTrustedKey());

    assertFailure(
            () -> apply(device, listSignedBy(device.version(), changed, firstSigner)),
            VerificationFailure.REPLAYED)
        .hasMessageContaining("other keys");
  }

  @Test
  void unrevocationIsRejected() {
    StoredKey second = rotate();
    store.revoke(second.hint());
    VersionedTrustPolicy device = TrustUpdate.apply(provisioned, 0, signedList(), clock.instant());
    TrustPolicy lifted =
        TrustPolicy.of(first.toTrustedKey(), withoutRevocation(second.toTrustedKey()));

    assertFailure(
            () -> apply(device, listSignedBy(device.version() + 1, lifted, firstSigner)),
            VerificationFailure.KEY_REVOKED)
        .hasMessageContaining("lifts the revocation of key " + second.hint());
  }

  @Test
  void droppedRevokedKeyIsRejected() {
    StoredKey second = rotate();
    store.revoke(second.hint());
    VersionedTrustPolicy device = TrustUpdate.apply(provisioned, 0, signedList(), clock.instant());
    TrustPolicy dropped = TrustPolicy.of(first.toTrustedKey());

    assertFailure(
            () -> apply(device, listSignedBy(device.version() + 1, dropped, firstSigner)),
            VerificationFailure.KEY_REVOKED)
        .hasMessageContaining("drops key " + second.hint());
  }

  @Test
  void laterRetirementIsRejected() {
    StoredKey second = rotate();
    store.retire(second.hint());
    VersionedTrustPolicy device = TrustUpdate.apply(provisioned, 0, signedList(), clock.instant());
    TrustedKey retired = device.policy().find(second.hint()).orElseThrow();
    TrustPolicy moved =
        TrustPolicy.of(
            first.toTrustedKey(), retired.retiredAt(retired.retiredAt().plus(Duration.ofDays(1))));

    assertFailure(
            () -> apply(device, listSignedBy(device.version() + 1, moved, firstSigner)),
            VerificationFailure.KEY_RETIRED)
        .hasMessageContaining("moves the retirement of key " + second.hint());
  }

  @Test
  void tamperedPayloadIsRejected() {
    Envelope list = signedList();
    byte[] payload = list.payload();
    payload[payload.length - 2]++;
    Envelope tampered = new Envelope(list.payloadType(), payload, list.signatures());

    assertFails(
        () -> TrustUpdate.apply(provisioned, 0, tampered, clock.instant()),
        VerificationFailure.BAD_SIGNATURE);
  }

  @Test
  void otherPayloadTypeIsRejected() {
    Envelope list = signedList();
    Envelope retyped =
        new Envelope("application/vnd.slipway.pin.v1+json", list.payload(), list.signatures());

    assertFails(
        () -> TrustUpdate.apply(provisioned, 0, retyped, clock.instant()),
        VerificationFailure.SUBJECT_MISMATCH);
  }

  @Test
  void expiredSignerIsRejected() {
    TrustPolicy expiring =
        TrustPolicy.of(first.toTrustedKey().validUntil(clock.instant().plusSeconds(1)));
    Envelope list = signedList();
    Instant later = clock.instant().plus(Duration.ofMinutes(1));

    assertFails(() -> TrustUpdate.apply(expiring, 0, list, later), VerificationFailure.KEY_EXPIRED);
  }

  @Test
  void firstUseTrustsSelfSignedList() {
    rotate();

    VersionedTrustPolicy device = TrustUpdate.trustOnFirstUse(signedList(), clock.instant());

    assertThat(device.version()).isEqualTo(store.generation());
    assertThat(device.policy().keys()).hasSize(2);
  }

  @Test
  void firstUseRejectsRevokedSigner() {
    LocalSigner leaked = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    TrustPolicy keys =
        TrustPolicy.of(TrustedKey.active(leaked.publicKey(), clock.instant()).revoke());

    assertFails(
        () -> TrustUpdate.trustOnFirstUse(listSignedBy(1, keys, leaked), clock.instant()),
        VerificationFailure.KEY_REVOKED);
  }
}
