package io.slipway.api.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.error.ApiException;
import io.slipway.api.signing.TrustPolicySigner.SignedTrustPolicy;
import io.slipway.signing.dsse.EnvelopeJson;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.keystore.FileKeyStore;
import io.slipway.signing.keystore.MasterKey;
import io.slipway.signing.keystore.StoredKey;
import io.slipway.signing.trust.TrustPolicyDocument;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signed key list over a real file key store, without the server around it. */
class TrustPolicySignerTest {

  @TempDir Path directory;

  private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
  private FileKeyStore store;
  private TrustPolicySigner signer;

  @BeforeEach
  void openStore() {
    store = FileKeyStore.open(directory, MasterKey.generate(), clock);
    signer = new TrustPolicySigner(store, clock);
  }

  @Test
  void listIsSignedOncePerGeneration() {
    store.generate(KeyAlgorithm.ECDSA_P256, null);

    SignedTrustPolicy first = signer.current();
    SignedTrustPolicy again = signer.current();

    assertThat(again).isSameAs(first);
    assertThat(first.version()).isEqualTo(store.generation());
  }

  @Test
  void keyChangeSignsNewVersion() {
    store.generate(KeyAlgorithm.ECDSA_P256, null);
    SignedTrustPolicy before = signer.current();

    store.generate(KeyAlgorithm.ED25519, null);
    SignedTrustPolicy after = signer.current();
    TrustPolicyDocument document =
        TrustPolicyDocument.parse(EnvelopeJson.read(after.envelopeJson()).payload());

    assertThat(after.version()).isGreaterThan(before.version());
    assertThat(document.version()).isEqualTo(after.version());
    assertThat(document.keys()).hasSize(2);
    assertThat(EnvelopeJson.read(after.envelopeJson()).signatures()).hasSize(2);
    assertThat(after.etag()).isNotEqualTo(before.etag());
  }

  @Test
  void noSigningKeyIsUnavailable() {
    StoredKey only = store.generate(KeyAlgorithm.ECDSA_P256, null);
    store.revoke(only.hint());

    assertThatThrownBy(() -> signer.current())
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("SIGNING_KEY_UNAVAILABLE"))
        .hasMessageContaining("POST /api/v1/signing/keys");
  }
}
