package io.slipway.signing.document;

import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Dsse;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.trust.TrustPolicy;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The canonical JSON of Slipway's signed documents (releases, pins, target states). Writing gives
 * compact UTF-8 with object keys sorted by their UTF-16 code units, integers as plain numbers, and
 * instants as ISO-8601 UTC in whole seconds ({@code 2026-03-01T10:00:00Z}), so one document always
 * has the same bytes and the same digest. Reading is strict: duplicate keys, trailing content,
 * unknown fields and another {@code _type} are {@link VerificationFailure#MALFORMED}. Stateless and
 * thread-safe.
 */
public final class DocumentJson {

  /** The field that names a document's schema. */
  public static final String TYPE_FIELD = "_type";

  static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final Pattern FLEET =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?/[a-z0-9]([a-z0-9-]*[a-z0-9])?");
  private static final Pattern SHA256_DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private DocumentJson() {}

  /**
   * Checks that {@code fleet} is {@code org/fleet}: two names of lower-case letters, digits and
   * inner hyphens.
   *
   * @throws IllegalArgumentException naming the value otherwise
   */
  public static void requireFleet(String fleet) {
    if (fleet == null || !FLEET.matcher(fleet).matches()) {
      throw new IllegalArgumentException(
          "Fleet '" + fleet + "' is not of the form org/fleet (lower-case letters, digits, '-')");
    }
  }

  /** Returns whether {@code digest} is {@code sha256:} and 64 lower-case hex digits. */
  public static boolean isSha256Digest(String digest) {
    return digest != null && SHA256_DIGEST.matcher(digest).matches();
  }

  /** Returns a new object with {@code _type} set to {@code type}. */
  public static ObjectNode newDocument(String type) {
    ObjectNode root = JSON.createObjectNode();
    root.put(TYPE_FIELD, type);
    return root;
  }

  /** Returns the canonical bytes of {@code document}. */
  public static byte[] write(JsonNode document) {
    return JSON.writeValueAsBytes(sorted(document));
  }

  /**
   * Parses {@code json}, which this class wrote, into a tree.
   *
   * @throws VerificationException with {@code MALFORMED} when it is not valid JSON
   */
  public static JsonNode readTree(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (JacksonException e) {
      throw malformed("The document is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Returns {@code instant} cut to whole seconds, the precision that documents carry. */
  public static Instant seconds(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS);
  }

  /** Returns {@code instant} in the documents' text form; the caller cuts it to whole seconds. */
  public static String format(Instant instant) {
    return instant.toString();
  }

  /**
   * Parses {@code json} as a document of {@code type} with exactly the fields {@code fields} (plus
   * {@code _type}).
   *
   * @param documentName the document's name in messages, such as {@code release document}
   * @throws VerificationException with {@code MALFORMED}, naming the field at fault
   */
  public static DocumentReader read(
      byte[] json, String type, String documentName, Set<String> fields) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw malformed("The " + documentName + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw malformed("The " + documentName + " is not a JSON object");
    }
    JsonNode actualType = root.get(TYPE_FIELD);
    if (actualType == null || !actualType.isString() || !actualType.asString().equals(type)) {
      throw malformed(
          "The "
              + documentName
              + " has "
              + TYPE_FIELD
              + " "
              + actualType
              + ", expected \""
              + type
              + "\"");
    }
    DocumentReader reader = new DocumentReader(root, documentName);
    reader.requireOnly(fields);
    return reader;
  }

  /**
   * Reads {@code object}, a JSON object inside signed content that has no {@code _type} of its own
   * (such as an in-toto predicate), which must have exactly the fields {@code fields}.
   *
   * @param name the object's name in messages, such as {@code delta predicate}
   * @throws VerificationException with {@code MALFORMED} when {@code object} is not a JSON object
   *     or has a field outside {@code fields}, {@code _type} included
   */
  public static DocumentReader readObject(JsonNode object, String name, Set<String> fields) {
    if (object == null || !object.isObject()) {
      throw malformed("The " + name + " is not a JSON object");
    }
    if (object.has(TYPE_FIELD) && !fields.contains(TYPE_FIELD)) {
      throw malformed("The " + name + " has the unknown field '" + TYPE_FIELD + "'");
    }
    DocumentReader reader = new DocumentReader(object, name);
    reader.requireOnly(fields);
    return reader;
  }

  /**
   * Returns the instant in {@code field} of the JSON object {@code payload}, or null when the
   * payload is not such an object or the field is not an ISO-8601 instant. For reading the signing
   * time a payload claims before its signature is checked: the result is untrusted, and the strict
   * parse after verification checks it again.
   */
  public static Instant claimedInstant(byte[] payload, String field) {
    try {
      JsonNode root = JSON.readTree(payload);
      JsonNode value = root == null ? null : root.get(field);
      return value != null && value.isString() ? Instant.parse(value.asString()) : null;
    } catch (JacksonException | DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Verifies the signature of {@code envelope} before anything trusts its payload: reads the
   * signing time that the payload claims in {@code signedAtField} as untrusted input, lets {@link
   * Dsse#verify} check the payload type, the key (with that time) and the signature, and only then
   * returns the payload for a strict parse.
   *
   * @throws VerificationException from {@link Dsse#verify}
   */
  public static byte[] verifiedPayload(
      Envelope envelope,
      String payloadType,
      String signedAtField,
      TrustPolicy policy,
      Instant now) {
    byte[] payload = envelope.payload();
    Instant claimedSignedAt = claimedInstant(payload, signedAtField);
    Dsse.verify(envelope, payloadType, policy, claimedSignedAt, now);
    return payload;
  }

  static VerificationException malformed(String message) {
    return new VerificationException(VerificationFailure.MALFORMED, message);
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      Map<String, JsonNode> fields = new TreeMap<>();
      for (Map.Entry<String, JsonNode> entry : node.properties()) {
        fields.put(entry.getKey(), sorted(entry.getValue()));
      }
      ObjectNode copy = JSON.createObjectNode();
      fields.forEach(copy::set);
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      node.forEach(element -> copy.add(sorted(element)));
      return copy;
    }
    return node;
  }
}
