package io.slipway.signing.keystore;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.signing.MutableClock;
import io.slipway.signing.Signer;
import io.slipway.signing.key.KeyAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which keys of a {@link FileKeyStore} sign the key list, and its generation. */
class TrustSignersTest {

  private static final byte[] DATA = "key list".getBytes(StandardCharsets.UTF_8);

  @TempDir Path directory;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

  @Test
  void activeAndStandbyKeysSign() {
    FileKeyStore store = FileKeyStore.open(directory, MasterKey.generate(), clock);
    StoredKey active = store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey standby = store.generate(KeyAlgorithm.ED25519, null);

    assertThat(store.trustSigners())
        .extracting(Signer::hint)
        .containsExactly(active.hint(), standby.hint());
  }

  @Test
  void standbySignerMakesValidSignatures() {
    FileKeyStore store = FileKeyStore.open(directory, MasterKey.generate(), clock);
    store.generate(KeyAlgorithm.ECDSA_P256, null);
    store.generate(KeyAlgorithm.ED25519, null);

    Signer standby = store.trustSigners().get(1);

    assertThat(standby.algorithm().verify(standby.publicKey(), DATA, standby.sign(DATA))).isTrue();
  }

  @Test
  void retiredRevokedAndExpiredKeysDoNotSign() {
    FileKeyStore store = FileKeyStore.open(directory, MasterKey.generate(), clock);
    StoredKey active = store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey retired = store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey revoked = store.generate(KeyAlgorithm.ECDSA_P256, null);
    store.generate(KeyAlgorithm.ECDSA_P256, clock.instant().plus(Duration.ofMinutes(1)));
    store.retire(retired.hint());
    store.revoke(revoked.hint());

    clock.advance(Duration.ofMinutes(2));

    assertThat(store.trustSigners()).extracting(Signer::hint).containsExactly(active.hint());
  }

  @Test
  void noKeyLeavesNoSigner() {
    FileKeyStore store = FileKeyStore.open(directory, MasterKey.generate(), clock);

    assertThat(store.trustSigners()).isEmpty();
  }

  @Test
  void generationGrowsWithEveryChange() {
    FileKeyStore store = FileKeyStore.open(directory, MasterKey.generate(), clock);
    long empty = store.generation();
    StoredKey first = store.generate(KeyAlgorithm.ECDSA_P256, null);
    long afterGenerate = store.generation();
    StoredKey second = store.generate(KeyAlgorithm.ECDSA_P256, null);
    store.activate(second.hint());
    long afterActivate = store.generation();
    store.retire(first.hint());

    assertThat(afterGenerate).isGreaterThan(empty);
    assertThat(afterActivate).isGreaterThan(afterGenerate);
    assertThat(store.generation()).isGreaterThan(afterActivate);
  }
}
