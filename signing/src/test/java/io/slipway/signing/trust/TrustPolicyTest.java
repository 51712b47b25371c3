package io.slipway.signing.trust;

import static io.slipway.signing.TestKeys.VALID_FROM;
import static io.slipway.signing.VerificationAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.TestKeys;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.key.LocalSigner;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TrustPolicyTest {

  private static final LocalSigner SIGNER = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
  private static final KeyHint HINT = SIGNER.hint();
  private static final TrustedKey KEY = TestKeys.trusted(SIGNER);
  private static final Instant RETIRED_AT = Instant.parse("2026-06-01T00:00:00Z");
  private static final Instant EXPIRES_AT = Instant.parse("2026-12-31T00:00:00Z");

  @Test
  void activeKeyPasses() {
    TrustPolicy policy = TrustPolicy.of(KEY);

    TrustedKey key = policy.check(HINT, VALID_FROM.plusSeconds(60), VALID_FROM.plusSeconds(120));

    assertThat(key).isEqualTo(KEY);
  }

  @Test
  void unknownSigningTimeWithActiveKeyPasses() {
    TrustPolicy policy = TrustPolicy.of(KEY);

    assertThat(policy.check(HINT, null, VALID_FROM.plusSeconds(1))).isEqualTo(KEY);
  }

  @Test
  void unknownKeyIsRejected() {
    TrustPolicy policy = TrustPolicy.of(TestKeys.trusted(TestKeys.signer(KeyAlgorithm.ED25519)));

    assertFailure(() -> policy.check(HINT, VALID_FROM, VALID_FROM), VerificationFailure.UNKNOWN_KEY)
        .hasMessageContaining(HINT.value());
  }

  @Test
  void emptyPolicyRejectsEveryKey() {
    TrustPolicy policy = TrustPolicy.of();

    assertFailure(() -> policy.check(HINT, VALID_FROM, VALID_FROM), VerificationFailure.UNKNOWN_KEY)
        .hasMessageContaining("0 trusted keys");
  }

  @Test
  void revokedKeyIsRejected() {
    TrustPolicy policy = TrustPolicy.of(KEY.revoke());

    assertFailure(() -> policy.check(HINT, VALID_FROM, VALID_FROM), VerificationFailure.KEY_REVOKED)
        .hasMessageContaining(HINT.value());
  }

  @Test
  void revokedKeyIsRejectedEvenForOldContent() {
    TrustPolicy policy = TrustPolicy.of(KEY.retiredAt(RETIRED_AT).revoke());

    assertFailure(
        () -> policy.check(HINT, RETIRED_AT.minusSeconds(3600), RETIRED_AT),
        VerificationFailure.KEY_REVOKED);
  }

  @Test
  void expiredKeyIsRejected() {
    TrustPolicy policy = TrustPolicy.of(KEY.validUntil(EXPIRES_AT));

    assertFailure(
            () -> policy.check(HINT, EXPIRES_AT.minusSeconds(60), EXPIRES_AT.plusSeconds(1)),
            VerificationFailure.KEY_EXPIRED)
        .hasMessageContaining(EXPIRES_AT.toString());
  }

  @Test
  void keyPassesAtItsExpiryInstant() {
    TrustPolicy policy = TrustPolicy.of(KEY.validUntil(EXPIRES_AT));

    assertThat(policy.check(HINT, VALID_FROM, EXPIRES_AT)).isNotNull();
  }

  @Test
  void contentSignedBeforeValidityIsRejected() {
    TrustPolicy policy = TrustPolicy.of(KEY);

    assertFailure(
            () -> policy.check(HINT, VALID_FROM.minusSeconds(1), VALID_FROM.plusSeconds(60)),
            VerificationFailure.KEY_NOT_YET_VALID)
        .hasMessageContaining(VALID_FROM.toString());
  }

  @Test
  void contentSignedAtValidityStartPasses() {
    TrustPolicy policy = TrustPolicy.of(KEY);

    assertThat(policy.check(HINT, VALID_FROM, VALID_FROM)).isEqualTo(KEY);
  }

  @Test
  void retiredKeyRejectsContentSignedAfterRetirement() {
    TrustPolicy policy = TrustPolicy.of(KEY.retiredAt(RETIRED_AT));

    assertFailure(
            () -> policy.check(HINT, RETIRED_AT.plusSeconds(1), RETIRED_AT.plusSeconds(60)),
            VerificationFailure.KEY_RETIRED)
        .hasMessageContaining(RETIRED_AT.toString());
  }

  @Test
  void retiredKeyRejectsContentSignedAtRetirement() {
    TrustPolicy policy = TrustPolicy.of(KEY.retiredAt(RETIRED_AT));

    assertFailure(
        () -> policy.check(HINT, RETIRED_AT, RETIRED_AT.plusSeconds(60)),
        VerificationFailure.KEY_RETIRED);
  }

  @Test
  void retiredKeyPassesContentSignedBeforeRetirement() {
    TrustPolicy policy = TrustPolicy.of(KEY.retiredAt(RETIRED_AT));

    TrustedKey key = policy.check(HINT, RETIRED_AT.minusSeconds(1), RETIRED_AT.plusSeconds(86400));

    assertThat(key.retirement()).contains(RETIRED_AT);
  }

  @Test
  void retiredKeyRejectsContentWithoutSigningTime() {
    TrustPolicy policy = TrustPolicy.of(KEY.retiredAt(RETIRED_AT));

    assertFailure(
            () -> policy.check(HINT, null, RETIRED_AT.plusSeconds(60)),
            VerificationFailure.KEY_RETIRED)
        .hasMessageContaining("no signing time");
  }

  @Test
  void rotatedKeysVerifyTheirOwnPeriods() {
    LocalSigner next = TestKeys.signer(KeyAlgorithm.ED25519);
    TrustPolicy policy =
        TrustPolicy.of(KEY.retiredAt(RETIRED_AT), TrustedKey.active(next.publicKey(), RETIRED_AT));
    Instant later = RETIRED_AT.plusSeconds(3600);

    assertThat(policy.check(HINT, RETIRED_AT.minusSeconds(60), later)).isNotNull();
    assertThat(policy.check(next.hint(), later, later)).isNotNull();
    assertFailure(() -> policy.check(HINT, later, later), VerificationFailure.KEY_RETIRED);
  }

  @Test
  void duplicateHintIsRejected() {
    assertThatThrownBy(() -> TrustPolicy.of(KEY, KEY.retiredAt(RETIRED_AT)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(HINT.value());
  }

  @Test
  void findsKeysByHint() {
    TrustPolicy policy = TrustPolicy.of(KEY);

    assertThat(policy.find(HINT)).contains(KEY);
    assertThat(policy.find(TestKeys.signer(KeyAlgorithm.ED25519).hint())).isEmpty();
  }
}
