package io.slipway.signing.dsse;

import static io.slipway.signing.TestKeys.NOW;
import static io.slipway.signing.TestKeys.SIGNED_AT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.TestKeys;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DsseTest {

  private static final String TYPE = "application/vnd.slipway.test+json";
  private static final byte[] PAYLOAD = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void signedEnvelopeVerifies(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    Envelope envelope = Dsse.sign(signer, TYPE, PAYLOAD);

    TrustedKey key = Dsse.verify(envelope, TYPE, TestKeys.trusting(signer), SIGNED_AT, NOW);

    assertThat(key.hint()).isEqualTo(signer.hint());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void signatureCoversPreAuthenticationEncoding(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    Envelope envelope = Dsse.sign(signer, TYPE, PAYLOAD);

    byte[] signature = envelope.signatures().get(0).signature();

    assertThat(algorithm.verify(signer.publicKey(), Pae.encode(TYPE, PAYLOAD), signature)).isTrue();
    assertThat(envelope.signatures().get(0).keyId()).isEqualTo(signer.hint());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void tamperedPayloadIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    Envelope signed = Dsse.sign(signer, TYPE, PAYLOAD);
    Envelope tampered =
        new Envelope(TYPE, "{\"a\":2}".getBytes(StandardCharsets.UTF_8), signed.signatures());

    assertThatThrownBy(() -> Dsse.verify(tampered, TYPE, TestKeys.trusting(signer), SIGNED_AT, NOW))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> assertThat(e.failure()).isEqualTo(VerificationFailure.BAD_SIGNATURE))
        .hasMessageContaining(signer.hint().value());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void truncatedSignatureIsRejected(KeyAlgorithm algorithm) {
    LocalSigner signer = TestKeys.signer(algorithm);
    EnvelopeSignature signature = Dsse.sign(signer, TYPE, PAYLOAD).signatures().get(0);
    byte[] bytes = signature.signature();
    Envelope truncated =
        new Envelope(
            TYPE,
            PAYLOAD,
            List.of(new EnvelopeSignature(signer.hint(), Arrays.copyOf(bytes, bytes.length / 2))));

    assertThatThrownBy(
            () -> Dsse.verify(truncated, TYPE, TestKeys.trusting(signer), SIGNED_AT, NOW))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> assertThat(e.failure()).isEqualTo(VerificationFailure.BAD_SIGNATURE));
  }

  @Test
  void otherPayloadTypeIsRejected() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Envelope envelope = Dsse.sign(signer, TYPE, PAYLOAD);

    assertThatThrownBy(
            () ->
                Dsse.verify(
                    envelope, "application/other", TestKeys.trusting(signer), SIGNED_AT, NOW))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> assertThat(e.failure()).isEqualTo(VerificationFailure.SUBJECT_MISMATCH))
        .hasMessageContaining(TYPE)
        .hasMessageContaining("application/other");
  }

  @Test
  void twoSignaturesAreRejected() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    EnvelopeSignature signature = Dsse.sign(signer, TYPE, PAYLOAD).signatures().get(0);
    Envelope envelope = new Envelope(TYPE, PAYLOAD, List.of(signature, signature));

    assertThatThrownBy(() -> Dsse.verify(envelope, TYPE, TestKeys.trusting(signer), SIGNED_AT, NOW))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> assertThat(e.failure()).isEqualTo(VerificationFailure.MALFORMED))
        .hasMessageContaining("2 signatures");
  }

  @Test
  void untrustedKeyIsRejected() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    LocalSigner other = TestKeys.signer(KeyAlgorithm.ED25519);
    Envelope envelope = Dsse.sign(signer, TYPE, PAYLOAD);

    assertThatThrownBy(() -> Dsse.verify(envelope, TYPE, TestKeys.trusting(other), SIGNED_AT, NOW))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> assertThat(e.failure()).isEqualTo(VerificationFailure.UNKNOWN_KEY))
        .hasMessageContaining(signer.hint().value());
  }

  @Test
  void forgedSignatureIsRejected() {
    LocalSigner trusted = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    LocalSigner attacker = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    byte[] forged = attacker.sign(Pae.encode(TYPE, PAYLOAD));
    Envelope envelope =
        new Envelope(TYPE, PAYLOAD, List.of(new EnvelopeSignature(trusted.hint(), forged)));

    assertThatThrownBy(
            () -> Dsse.verify(envelope, TYPE, TestKeys.trusting(trusted), SIGNED_AT, NOW))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> assertThat(e.failure()).isEqualTo(VerificationFailure.BAD_SIGNATURE));
  }

  @Test
  void retiredKeyVerifiesWhatItSignedBeforeRetirement() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ED25519);
    Envelope envelope = Dsse.sign(signer, TYPE, PAYLOAD);
    TrustPolicy policy =
        TrustPolicy.of(TestKeys.trusted(signer).retiredAt(SIGNED_AT.plusSeconds(1)));

    assertThat(Dsse.verify(envelope, TYPE, policy, SIGNED_AT, NOW).hint()).isEqualTo(signer.hint());
  }

  @Test
  void envelopeCopiesPayload() {
    byte[] payload = PAYLOAD.clone();
    Envelope envelope = Dsse.sign(TestKeys.signer(KeyAlgorithm.ECDSA_P256), TYPE, payload);

    payload[0] = 'x';
    envelope.payload()[1] = 'y';

    assertThat(envelope.payload()).isEqualTo(PAYLOAD);
  }

  @Test
  void envelopeRejectsBlankType() {
    assertThatThrownBy(() -> new Envelope(" ", PAYLOAD, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payload type is missing");
  }

  @Test
  void envelopeRejectsNoSignature() {
    assertThatThrownBy(() -> new Envelope(TYPE, PAYLOAD, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no signature");
  }
}
