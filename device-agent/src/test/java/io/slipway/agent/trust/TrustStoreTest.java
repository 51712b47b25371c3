package io.slipway.agent.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.trust.TrustPolicyDocument;
import io.slipway.signing.trust.TrustedKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustStoreTest {

  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

  @TempDir Path data;

  private final LocalSigner first = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
  private final LocalSigner second = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);

  @Test
  void provisionedKeysAreVersionZero() {
    TrustStore store = open(List.of(PemKeys.publicKeyPem(first.publicKey())));

    assertThat(store.hasKeys()).isTrue();
    assertThat(store.trust().version()).isZero();
    assertThat(store.trust().policy().find(first.hint())).isPresent();
  }

  @Test
  void invalidProvisionedKeyIsConfigError() {
    assertThatThrownBy(() -> open(List.of("not a key")))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("trustedKeys[0]")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.INVALID_CONFIG);
  }

  @Test
  void emptyStoreTrustsFirstKeyList() {
    TrustStore store = open(List.of());

    store.apply(keyList(1, first, key(first)), NOW);

    assertThat(store.trust().version()).isEqualTo(1);
    assertThat(store.trust().policy().find(first.hint())).isPresent();
  }

  @Test
  void trustedKeyListMovesForward() {
    TrustStore store = open(List.of(PemKeys.publicKeyPem(first.publicKey())));

    store.apply(keyList(2, first, key(first), key(second)), NOW);

    TrustStore reopened = open(List.of());
    assertThat(reopened.trust().version()).isEqualTo(2);
    assertThat(reopened.trust().policy().find(second.hint())).isPresent();
  }

  @Test
  void keyListSignedByUnknownKeyIsRejected() {
    TrustStore store = open(List.of(PemKeys.publicKeyPem(first.publicKey())));

    assertThatThrownBy(() -> store.apply(keyList(1, second, key(second)), NOW))
        .isInstanceOf(VerificationException.class)
        .extracting(e -> ((VerificationException) e).failure())
        .isEqualTo(VerificationFailure.UNKNOWN_KEY);
    assertThat(store.trust().version()).isZero();
  }

  @Test
  void olderKeyListIsReplayed() {
    TrustStore store = open(List.of());
    store.apply(keyList(3, first, key(first)), NOW);

    assertThatThrownBy(() -> store.apply(keyList(2, first, key(first)), NOW))
        .isInstanceOf(VerificationException.class)
        .extracting(e -> ((VerificationException) e).failure())
        .isEqualTo(VerificationFailure.REPLAYED);
  }

  @Test
  void acceptedStateTimeSurvivesReopen() {
    TrustStore store = open(List.of());
    store.apply(keyList(1, first, key(first)), NOW);
    Instant issuedAt = NOW.minusSeconds(30);

    store.acceptState(issuedAt, NOW);

    assertThat(open(List.of()).lastStateIssuedAt()).isEqualTo(issuedAt);
  }

  @Test
  void olderStateTimeDoesNotMoveBack() {
    TrustStore store = open(List.of());
    store.apply(keyList(1, first, key(first)), NOW);
    store.acceptState(NOW, NOW);

    store.acceptState(NOW.minusSeconds(60), NOW);

    assertThat(store.lastStateIssuedAt()).isEqualTo(NOW);
  }

  private TrustStore open(List<String> provisioned) {
    return TrustStore.open(data.resolve("trust.json"), provisioned);
  }

  private static TrustedKey key(LocalSigner signer) {
    return TrustedKey.active(signer.publicKey(), NOW.minusSeconds(3600));
  }

  private static Envelope keyList(long version, LocalSigner signer, TrustedKey... keys) {
    return new TrustPolicyDocument(version, NOW.minusSeconds(60), List.of(keys))
        .sign(List.of(signer));
  }
}
