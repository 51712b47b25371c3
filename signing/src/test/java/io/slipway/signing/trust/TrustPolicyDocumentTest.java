package io.slipway.signing.trust;

import static io.slipway.signing.VerificationAssertions.assertFails;
import static io.slipway.signing.VerificationAssertions.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustPolicyDocumentTest {

  private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant ISSUED_AT = Instant.parse("2026-03-01T10:00:00Z");

  private final LocalSigner ecdsa = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
  private final LocalSigner ed25519 = LocalSigner.generate(KeyAlgorithm.ED25519);
  private final TrustPolicyDocument document =
      new TrustPolicyDocument(
          3,
          ISSUED_AT,
          List.of(
              TrustedKey.active(ecdsa.publicKey(), CREATED)
                  .retiredAt(Instant.parse("2026-02-01T00:00:00Z")),
              TrustedKey.active(ed25519.publicKey(), CREATED)
                  .validUntil(Instant.parse("2027-01-01T00:00:00Z"))));

  @Test
  void documentRoundTrips() {
    assertThat(TrustPolicyDocument.parse(document.toJson())).isEqualTo(document);
  }

  @Test
  void jsonIsCanonical() {
    String json = new String(document.toJson(), StandardCharsets.UTF_8);

    assertThat(json)
        .startsWith(
            "{\"_type\":\"https://slipway.io/trust-policy/v1\",\"issuedAt\":\"2026-03-01T10:00:00Z\","
                + "\"keys\":[{\"algorithm\":\"ECDSA_P256\",\"hint\":\"")
        .endsWith(
            "\"retiredAt\":null,\"revoked\":false,\"validFrom\":\"2026-01-01T00:00:00Z\","
                + "\"validUntil\":\"2027-01-01T00:00:00Z\"}],\"version\":3}");
  }

  @Test
  void instantsAreCutInTheStrictDirection() {
    TrustedKey key =
        TrustedKey.active(ecdsa.publicKey(), Instant.parse("2026-01-01T00:00:00.200Z"))
            .validUntil(Instant.parse("2026-05-01T00:00:00.900Z"))
            .retiredAt(Instant.parse("2026-04-01T00:00:00.900Z"));

    TrustedKey cut = new TrustPolicyDocument(1, ISSUED_AT, List.of(key)).keys().get(0);

    assertThat(cut.validFrom()).isEqualTo(Instant.parse("2026-01-01T00:00:01Z"));
    assertThat(cut.validUntil()).isEqualTo(Instant.parse("2026-05-01T00:00:00Z"));
    assertThat(cut.retiredAt()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
  }

  @Test
  void versionZeroIsRejected() {
    assertThatThrownBy(() -> new TrustPolicyDocument(0, ISSUED_AT, document.keys()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 0");
  }

  @Test
  void emptyKeyListIsRejected() {
    assertThatThrownBy(() -> new TrustPolicyDocument(1, ISSUED_AT, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lists no key");
  }

  @Test
  void unknownFieldIsMalformed() {
    String json = new String(document.toJson(), StandardCharsets.UTF_8);
    byte[] extra = json.replace("\"version\":3", "\"version\":3,\"x\":1").getBytes();

    assertFailure(() -> TrustPolicyDocument.parse(extra), VerificationFailure.MALFORMED)
        .hasMessageContaining("'x'");
  }

  @Test
  void hintOfAnotherKeyIsMalformed() {
    String json = new String(document.toJson(), StandardCharsets.UTF_8);
    String swapped = json.replace(ecdsa.hint().value(), ed25519.hint().value());

    assertFailure(
            () -> TrustPolicyDocument.parse(swapped.getBytes(StandardCharsets.UTF_8)),
            VerificationFailure.MALFORMED)
        .hasMessageContaining("does not belong");
  }

  @Test
  void signatureOfEverySignerIsCarried() {
    Envelope envelope = document.sign(List.of(ecdsa, ed25519));

    assertThat(envelope.payloadType()).isEqualTo(TrustPolicyDocument.PAYLOAD_TYPE);
    assertThat(envelope.signatures())
        .extracting(signature -> signature.keyId())
        .containsExactly(ecdsa.hint(), ed25519.hint());
  }

  @Test
  void signingWithoutSignerIsRejected() {
    assertThatThrownBy(() -> document.sign(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a signer");
  }

  @Test
  void wrongTypeIsMalformed() {
    byte[] json = "{\"_type\":\"https://slipway.io/pin/v1\"}".getBytes(StandardCharsets.UTF_8);

    assertFails(() -> TrustPolicyDocument.parse(json), VerificationFailure.MALFORMED);
  }
}
