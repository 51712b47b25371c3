package io.slipway.signing.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.TestKeys;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Dsse;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.dsse.EnvelopeSignature;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class BundleTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final LocalSigner SIGNER = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
  private static final byte[] CONTENT = "delta bytes".getBytes(StandardCharsets.UTF_8);
  private static final String TYPE = "application/vnd.in-toto+json";

  private static Bundle messageBundle() {
    return BundleSigner.signFile(SIGNER, CONTENT);
  }

  private static Bundle envelopeBundle() {
    return Bundle.ofEnvelope(SIGNER.hint(), Dsse.sign(SIGNER, TYPE, "{}".getBytes()));
  }

  private static ObjectNode tree(Bundle bundle) {
    return (ObjectNode) JSON.readTree(bundle.toJson());
  }

  @Test
  void messageBundleJsonFollowsSchema() {
    Bundle bundle = messageBundle();
    Bundle.MessageSignature message = bundle.messageSignature().orElseThrow();

    JsonNode json = tree(bundle);

    assertThat(json.path("mediaType").asString()).isEqualTo(Bundle.MEDIA_TYPE);
    assertThat(json.path("verificationMaterial").path("publicKey").path("hint").asString())
        .isEqualTo(SIGNER.hint().value());
    assertThat(json.path("verificationMaterial").path("tlogEntries").isArray()).isTrue();
    assertThat(json.path("verificationMaterial").path("tlogEntries").isEmpty()).isTrue();
    JsonNode signature = json.path("messageSignature");
    assertThat(signature.path("messageDigest").path("algorithm").asString()).isEqualTo("SHA2_256");
    assertThat(signature.path("messageDigest").path("digest").asString())
        .isEqualTo(Base64.getEncoder().encodeToString(message.sha256()));
    assertThat(signature.path("signature").asString())
        .isEqualTo(Base64.getEncoder().encodeToString(message.signature()));
    assertThat(json.has("dsseEnvelope")).isFalse();
  }

  @Test
  void envelopeBundleJsonFollowsSchema() {
    Bundle bundle = envelopeBundle();
    Envelope envelope = bundle.envelope().orElseThrow();

    JsonNode json = tree(bundle).path("dsseEnvelope");

    assertThat(json.path("payloadType").asString()).isEqualTo(TYPE);
    assertThat(json.path("payload").asString()).isEqualTo("e30=");
    assertThat(json.path("signatures")).hasSize(1);
    assertThat(json.path("signatures").get(0).path("keyid").asString())
        .isEqualTo(SIGNER.hint().value());
    assertThat(json.path("signatures").get(0).path("sig").asString())
        .isEqualTo(Base64.getEncoder().encodeToString(envelope.signatures().get(0).signature()));
    assertThat(tree(bundle).has("messageSignature")).isFalse();
  }

  @Test
  void messageBundleRoundTrips() {
    Bundle bundle = messageBundle();

    assertThat(Bundle.parse(bundle.toJson())).isEqualTo(bundle);
  }

  @Test
  void envelopeBundleRoundTrips() {
    Bundle bundle = envelopeBundle();

    assertThat(Bundle.parse(bundle.toJson())).isEqualTo(bundle);
  }

  @Test
  void parsesLegacySpellingOfMediaType() {
    ObjectNode json = tree(messageBundle());
    json.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.3");

    assertThat(Bundle.parse(bytes(json)).hint()).isEqualTo(SIGNER.hint());
  }

  @Test
  void parsesPrettyPrintedJsonWithUrlSafeBase64() {
    ObjectNode json = tree(messageBundle());
    JsonNode signature = json.path("messageSignature");
    byte[] raw = Base64.getDecoder().decode(signature.path("signature").asString());
    ((ObjectNode) signature).put("signature", Base64.getUrlEncoder().encodeToString(raw));

    Bundle bundle = Bundle.parse(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));

    assertThat(bundle.messageSignature().orElseThrow().signature()).isEqualTo(raw);
  }

  @Test
  void rejectsText() {
    assertMalformed("not json".getBytes(StandardCharsets.UTF_8), "not valid bundle JSON");
  }

  @Test
  void rejectsDeeplyNestedJson() {
    String json = "{\"extra\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

    assertMalformed(json.getBytes(StandardCharsets.UTF_8), "not valid bundle JSON");
  }

  @Test
  void rejectsTruncatedJson() {
    byte[] json = messageBundle().toJson();

    assertMalformed(Arrays.copyOf(json, json.length / 2), "not valid bundle JSON");
  }

  @Test
  void rejectsBadBase64() {
    ObjectNode json = tree(messageBundle());
    ((ObjectNode) json.path("messageSignature")).put("signature", "not base64!");

    assertMalformed(bytes(json), "not valid bundle JSON");
  }

  @Test
  void rejectsUnknownEnumValue() {
    ObjectNode json = tree(messageBundle());
    ((ObjectNode) json.path("messageSignature").path("messageDigest")).put("algorithm", "MD5");

    assertMalformed(bytes(json), "MD5");
  }

  @Test
  void rejectsEmptyInput() {
    assertMalformed(new byte[0], "not valid bundle JSON");
  }

  @Test
  void rejectsOlderMediaType() {
    ObjectNode json = tree(messageBundle());
    json.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.2");

    assertMalformed(bytes(json), "version=0.2");
  }

  @Test
  void rejectsMissingMediaType() {
    ObjectNode json = tree(messageBundle());
    json.remove("mediaType");

    assertMalformed(bytes(json), "mediaType ''");
  }

  @Test
  void rejectsUnknownField() {
    ObjectNode json = tree(messageBundle());
    json.put("extra", 1);

    assertMalformed(bytes(json), "extra");
  }

  @Test
  void rejectsMissingVerificationMaterial() {
    ObjectNode json = tree(messageBundle());
    json.remove("verificationMaterial");

    assertMalformed(bytes(json), "has no verificationMaterial");
  }

  @Test
  void rejectsCertificate() {
    ObjectNode json = tree(messageBundle());
    ObjectNode material = (ObjectNode) json.path("verificationMaterial");
    material.remove("publicKey");
    material.putObject("certificate").put("rawBytes", "MIIB");

    assertMalformed(bytes(json), "certificate");
  }

  @Test
  void rejectsCertificateChain() {
    ObjectNode json = tree(messageBundle());
    ObjectNode material = (ObjectNode) json.path("verificationMaterial");
    material.remove("publicKey");
    material
        .putObject("x509CertificateChain")
        .putArray("certificates")
        .addObject()
        .put("rawBytes", "MIIB");

    assertMalformed(bytes(json), "keyless");
  }

  @Test
  void rejectsTransparencyLogOnlyBundle() {
    ObjectNode json = tree(messageBundle());
    ObjectNode material = (ObjectNode) json.path("verificationMaterial");
    material.remove("publicKey");
    ArrayNode entries = material.putArray("tlogEntries");
    entries.addObject().put("logIndex", "1");

    assertMalformed(bytes(json), "only transparency-log entries");
  }

  @Test
  void rejectsBadHint() {
    ObjectNode json = tree(messageBundle());
    ((ObjectNode) json.path("verificationMaterial").path("publicKey")).put("hint", "key-1");

    assertMalformed(bytes(json), "verificationMaterial.publicKey.hint");
  }

  @Test
  void rejectsBundleWithoutContent() {
    ObjectNode json = tree(messageBundle());
    json.remove("messageSignature");

    assertMalformed(bytes(json), "neither messageSignature nor dsseEnvelope");
  }

  @Test
  void rejectsOtherHashAlgorithm() {
    ObjectNode json = tree(messageBundle());
    ((ObjectNode) json.path("messageSignature").path("messageDigest")).put("algorithm", "SHA2_384");

    assertMalformed(bytes(json), "SHA2_384");
  }

  @Test
  void rejectsShortDigest() {
    ObjectNode json = tree(messageBundle());
    ((ObjectNode) json.path("messageSignature").path("messageDigest")).put("digest", "AAAA");

    assertMalformed(bytes(json), "3 bytes");
  }

  @Test
  void rejectsMissingMessageDigest() {
    ObjectNode json = tree(messageBundle());
    ((ObjectNode) json.path("messageSignature")).remove("messageDigest");

    assertMalformed(bytes(json), "messageSignature.messageDigest");
  }

  @Test
  void rejectsEmptyMessageSignature() {
    ObjectNode json = tree(messageBundle());
    ((ObjectNode) json.path("messageSignature")).remove("signature");

    assertMalformed(bytes(json), "messageSignature.signature");
  }

  @Test
  void rejectsTwoEnvelopeSignatures() {
    ObjectNode json = tree(envelopeBundle());
    ArrayNode signatures = (ArrayNode) json.path("dsseEnvelope").path("signatures");
    signatures.add(signatures.get(0).deepCopy());

    assertMalformed(bytes(json), "2 signatures");
  }

  @Test
  void rejectsEnvelopeWithoutSignature() {
    ObjectNode json = tree(envelopeBundle());
    ((ArrayNode) json.path("dsseEnvelope").path("signatures")).removeAll();

    assertMalformed(bytes(json), "0 signatures");
  }

  @Test
  void rejectsKeyIdOtherThanHint() {
    ObjectNode json = tree(envelopeBundle());
    String other = TestKeys.signer(KeyAlgorithm.ED25519).hint().value();
    ((ObjectNode) json.path("dsseEnvelope").path("signatures").get(0)).put("keyid", other);

    assertMalformed(bytes(json), other);
  }

  @Test
  void rejectsEnvelopeWithoutPayloadType() {
    ObjectNode json = tree(envelopeBundle());
    ((ObjectNode) json.path("dsseEnvelope")).remove("payloadType");

    assertMalformed(bytes(json), "dsseEnvelope.payloadType");
  }

  @Test
  void ofEnvelopeRejectsKeyIdOtherThanHint() {
    Envelope envelope = Dsse.sign(SIGNER, TYPE, new byte[0]);
    var other = TestKeys.signer(KeyAlgorithm.ED25519).hint();

    assertThatThrownBy(() -> Bundle.ofEnvelope(other, envelope))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(other.value())
        .hasMessageContaining(SIGNER.hint().value());
  }

  @Test
  void ofEnvelopeRejectsTwoSignatures() {
    EnvelopeSignature signature = Dsse.sign(SIGNER, TYPE, new byte[0]).signatures().get(0);
    Envelope envelope = new Envelope(TYPE, new byte[0], List.of(signature, signature));

    assertThatThrownBy(() -> Bundle.ofEnvelope(SIGNER.hint(), envelope))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 2");
  }

  @Test
  void ofMessageRejectsShortDigest() {
    assertThatThrownBy(() -> Bundle.ofMessage(SIGNER.hint(), new byte[31], new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 31");
  }

  @Test
  void ofMessageRejectsEmptySignature() {
    assertThatThrownBy(() -> Bundle.ofMessage(SIGNER.hint(), new byte[32], new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs signature bytes");
  }

  @Test
  void messageSignatureNamesDigest() {
    Bundle bundle = Bundle.ofMessage(SIGNER.hint(), new byte[32], new byte[] {1});

    assertThat(bundle.messageSignature().orElseThrow().digest())
        .isEqualTo("sha256:" + "0".repeat(64));
    assertThat(bundle.envelope()).isEmpty();
  }

  private static byte[] bytes(JsonNode json) {
    return JSON.writeValueAsBytes(json);
  }

  private static void assertMalformed(byte[] json, String message) {
    assertThatThrownBy(() -> Bundle.parse(json))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> assertThat(e.failure()).isEqualTo(VerificationFailure.MALFORMED))
        .hasMessageContaining(message);
  }
}
