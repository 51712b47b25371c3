package io.slipway.signing.dsse;

import static io.slipway.signing.VerificationAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.signing.VerificationFailure;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EnvelopeJsonTest {

  private static final LocalSigner SIGNER = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
  private static final String TYPE = "application/vnd.example+json";

  private final Envelope envelope =
      Dsse.sign(SIGNER, TYPE, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

  @Test
  void writtenEnvelopeReadsBackEqual() {
    assertThat(EnvelopeJson.read(EnvelopeJson.write(envelope))).isEqualTo(envelope);
  }

  @Test
  void writesStandardDsseFields() {
    String json = new String(EnvelopeJson.write(envelope), StandardCharsets.UTF_8);

    assertThat(json)
        .startsWith(
            "{\"payload\":\"eyJhIjoxfQ==\",\"payloadType\":\""
                + TYPE
                + "\",\"signatures\":[{\"keyid\":\""
                + SIGNER.hint().value()
                + "\",\"sig\":\"");
  }

  @Test
  void urlSafeBase64IsAccepted() {
    String payload = Base64.getUrlEncoder().encodeToString(new byte[] {(byte) 0xfb, (byte) 0xff});
    String json =
        "{\"payload\":\""
            + payload
            + "\",\"payloadType\":\"t\",\"signatures\":[{\"keyid\":\""
            + SIGNER.hint().value()
            + "\",\"sig\":\"AA==\"}]}";

    assertThat(EnvelopeJson.read(json.getBytes(StandardCharsets.UTF_8)).payload())
        .containsExactly(0xfb, 0xff);
  }

  @Test
  void missingPayloadTypeIsMalformed() {
    String json = "{\"payload\":\"AA==\",\"signatures\":[]}";

    var thrown = assertFails(() -> read(json), VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("payloadType");
  }

  @Test
  void badBase64PayloadIsMalformed() {
    String json = "{\"payload\":\"***\",\"payloadType\":\"t\",\"signatures\":[]}";

    var thrown = assertFails(() -> read(json), VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("payload");
  }

  @Test
  void emptySignatureListIsUnsigned() {
    String json = "{\"payload\":\"AA==\",\"payloadType\":\"t\",\"signatures\":[]}";

    assertFails(() -> read(json), VerificationFailure.UNSIGNED);
  }

  @Test
  void keyIdThatIsNoHintIsMalformed() {
    String json =
        "{\"payload\":\"AA==\",\"payloadType\":\"t\",\"signatures\":[{\"keyid\":\"\","
            + "\"sig\":\"AA==\"}]}";

    var thrown = assertFails(() -> read(json), VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("signatures[0].keyid");
  }

  @Test
  void truncatedJsonIsMalformed() {
    byte[] json = EnvelopeJson.write(envelope);
    String truncated = new String(json, 0, json.length / 2, StandardCharsets.UTF_8);

    assertFails(() -> read(truncated), VerificationFailure.MALFORMED);
  }

  private static Envelope read(String json) {
    return EnvelopeJson.read(json.getBytes(StandardCharsets.UTF_8));
  }
}
