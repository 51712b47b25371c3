package io.slipway.signing.dsse;

import static io.slipway.signing.TestKeys.NOW;
import static io.slipway.signing.VerificationAssertions.assertFails;
import static io.slipway.signing.VerificationAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.signing.TestKeys;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DsseMultiSignatureTest {

  private static final String TYPE = "application/vnd.slipway.test+json";
  private static final byte[] PAYLOAD = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

  private final LocalSigner first = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
  private final LocalSigner second = TestKeys.signer(KeyAlgorithm.ED25519);
  private final Envelope both = Dsse.signAll(List.of(first, second), TYPE, PAYLOAD);

  @Test
  void eachTrustedSignatureIsReturned() {
    List<TrustedKey> keys =
        Dsse.verifyAnyTrusted(
            both,
            TYPE,
            TrustPolicy.of(TestKeys.trusted(first), TestKeys.trusted(second)),
            null,
            NOW);

    assertThat(keys).extracting(TrustedKey::hint).containsExactly(first.hint(), second.hint());
  }

  @Test
  void signatureByUnknownKeyIsSkipped() {
    List<TrustedKey> keys = Dsse.verifyAnyTrusted(both, TYPE, TestKeys.trusting(second), null, NOW);

    assertThat(keys).extracting(TrustedKey::hint).containsExactly(second.hint());
  }

  @Test
  void noTrustedSignatureNamesEveryKey() {
    TrustPolicy policy = TrustPolicy.of(TestKeys.trusted(first).revoke());

    assertFailure(
            () -> Dsse.verifyAnyTrusted(both, TYPE, policy, null, NOW),
            VerificationFailure.KEY_REVOKED)
        .hasMessageContaining(first.hint().value())
        .hasMessageContaining(second.hint().value());
  }

  @Test
  void badSignatureByTrustedKeyRejects() {
    byte[] forged = both.signatures().get(1).signature();
    forged[forged.length - 1] ^= 1;
    Envelope tampered =
        new Envelope(
            TYPE,
            PAYLOAD,
            List.of(both.signatures().get(0), new EnvelopeSignature(second.hint(), forged)));

    assertFails(
        () ->
            Dsse.verifyAnyTrusted(
                tampered,
                TYPE,
                TrustPolicy.of(TestKeys.trusted(first), TestKeys.trusted(second)),
                null,
                NOW),
        VerificationFailure.BAD_SIGNATURE);
  }

  @Test
  void keyNamedTwiceIsMalformed() {
    EnvelopeSignature signature = both.signatures().get(0);
    Envelope twice = new Envelope(TYPE, PAYLOAD, List.of(signature, signature));

    assertFails(
        () -> Dsse.verifyAnyTrusted(twice, TYPE, TestKeys.trusting(first), null, NOW),
        VerificationFailure.MALFORMED);
  }

  @Test
  void otherPayloadTypeIsSubjectMismatch() {
    assertFails(
        () -> Dsse.verifyAnyTrusted(both, "text/plain", TestKeys.trusting(first), null, NOW),
        VerificationFailure.SUBJECT_MISMATCH);
  }

  @Test
  void singleSignatureVerifyStillRejectsTwo() {
    assertFails(
        () ->
            Dsse.verify(
                both,
                TYPE,
                TrustPolicy.of(TestKeys.trusted(first), TestKeys.trusted(second)),
                null,
                NOW),
        VerificationFailure.MALFORMED);
  }
}
