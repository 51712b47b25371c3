package io.slipway.signing.dsse;

import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.key.KeyHint;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * DSSE envelopes in the JSON form that the DSSE specification defines: {@code payloadType}, {@code
 * payload} as standard base64, and {@code signatures}, each with {@code keyid} (here the key hint)
 * and {@code sig} as standard base64. Stateless and thread-safe.
 */
public final class EnvelopeJson {

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private EnvelopeJson() {}

  /** Returns {@code envelope} as compact UTF-8 JSON with the fields in a fixed order. */
  public static byte[] write(Envelope envelope) {
    ObjectNode root = JSON.createObjectNode();
    root.put("payload", Base64.getEncoder().encodeToString(envelope.payload()));
    root.put("payloadType", envelope.payloadType());
    ArrayNode signatures = root.putArray("signatures");
    for (EnvelopeSignature signature : envelope.signatures()) {
      ObjectNode node = signatures.addObject();
      node.put("keyid", signature.keyId().value());
      node.put("sig", Base64.getEncoder().encodeToString(signature.signature()));
    }
    return JSON.writeValueAsBytes(root);
  }

  /**
   * Parses a DSSE envelope. Base64 fields may use the standard or the URL-safe alphabet, as the
   * specification allows; fields other than the ones above are ignored.
   *
   * @throws VerificationException with {@code MALFORMED} naming the field at fault, or with {@code
   *     UNSIGNED} when the envelope has no signature
   */
  public static Envelope read(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw malformed("is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw malformed("is not a JSON object");
    }
    String payloadType = text(root, "payloadType", "payloadType");
    byte[] payload = base64(root, "payload", "payload");
    JsonNode list = root.get("signatures");
    if (list == null || !list.isArray()) {
      throw malformed("has no 'signatures' array");
    }
    if (list.isEmpty()) {
      throw new VerificationException(
          VerificationFailure.UNSIGNED,
          "The DSSE envelope of type " + payloadType + " is unsigned");
    }
    List<EnvelopeSignature> signatures = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      signatures.add(signature(list.get(i), "signatures[" + i + "]"));
    }
    return new Envelope(payloadType, payload, signatures);
  }

  private static EnvelopeSignature signature(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw malformed("field '" + path + "' is not an object");
    }
    String keyId = text(node, "keyid", path + ".keyid");
    KeyHint hint;
    try {
      hint = new KeyHint(keyId);
    } catch (IllegalArgumentException e) {
      throw malformed("field '" + path + ".keyid' is not a key hint: " + e.getMessage());
    }
    return new EnvelopeSignature(hint, base64(node, "sig", path + ".sig"));
  }

  private static String text(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isString() || value.asString().isEmpty()) {
      throw malformed("field '" + path + "' is missing or not a non-empty string");
    }
    return value.asString();
  }

  private static byte[] base64(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isString()) {
      throw malformed("field '" + path + "' is missing or not a string");
    }
    String text = value.asString();
    try {
      boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
      return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed("field '" + path + "' is not valid base64");
    }
  }

  private static VerificationException malformed(String problem) {
    return new VerificationException(VerificationFailure.MALFORMED, "The DSSE envelope " + problem);
  }
}
