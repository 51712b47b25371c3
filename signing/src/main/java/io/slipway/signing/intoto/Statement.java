package io.slipway.signing.intoto;

import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An in-toto Statement v1: what was signed (subjects by SHA-256) and a typed predicate about them.
 * It is the payload of the DSSE envelopes that sign images and releases. Immutable.
 *
 * @param subjects the signed artifacts, at least one
 * @param predicateType a URI naming the predicate's schema
 * @param predicate the predicate, a JSON object
 */
public record Statement(List<Subject> subjects, String predicateType, JsonNode predicate) {

  /** The {@code _type} of in-toto Statement v1. */
  public static final String TYPE = "https://in-toto.io/Statement/v1";

  /** The DSSE payload type of in-toto statements. */
  public static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";

  /**
   * Writes sorted keys. Reads strictly, because a payload with a key twice reads differently in
   * parsers that keep the first value and in those that keep the last.
   */
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /**
   * @throws IllegalArgumentException when there is no subject, no predicate type, or the predicate
   *     is not a JSON object
   */
  public Statement {
    subjects = List.copyOf(subjects);
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("An in-toto statement needs at least one subject");
    }
    if (predicateType == null || predicateType.isBlank()) {
      throw new IllegalArgumentException("An in-toto statement needs a predicate type URI");
    }
    Objects.requireNonNull(predicate, "predicate");
    if (!predicate.isObject()) {
      throw new IllegalArgumentException(
          "The predicate of a " + predicateType + " statement must be a JSON object");
    }
    predicate = predicate.deepCopy();
  }

  /**
   * One signed artifact.
   *
   * @param name the artifact's name, such as the repository {@code org/fleet/web}
   * @param sha256 the lower-case hex SHA-256 of the artifact (for images, of the manifest)
   */
  public record Subject(String name, String sha256) {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    /**
     * @throws IllegalArgumentException naming the value when the digest is not 64 lower-case hex
     *     digits
     */
    public Subject {
      Objects.requireNonNull(name, "name");
      if (sha256 == null || !HEX.matcher(sha256).matches()) {
        throw new IllegalArgumentException(
            "Subject '"
                + name
                + "' has SHA-256 '"
                + sha256
                + "'; expected 64 lower-case hex digits");
      }
    }

    /** Makes a subject from an OCI digest, {@code sha256:} and 64 hex digits. */
    public static Subject ofDigest(String name, String digest) {
      if (digest == null || !digest.startsWith("sha256:")) {
        throw new IllegalArgumentException(
            "Digest '" + digest + "' of '" + name + "' is not a sha256: digest");
      }
      return new Subject(name, digest.substring("sha256:".length()));
    }
  }

  /** Returns the predicate (a copy). */
  @Override
  public JsonNode predicate() {
    return predicate.deepCopy();
  }

  /** Returns whether a subject has {@code sha256}, lower-case hex. */
  public boolean hasSubjectDigest(String sha256) {
    return subjects.stream().anyMatch(subject -> subject.sha256().equals(sha256));
  }

  /** Returns the statement as compact JSON with object keys sorted, UTF-8. */
  public byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("_type", TYPE);
    ArrayNode list = root.putArray("subject");
    for (Subject subject : subjects) {
      ObjectNode node = list.addObject();
      node.put("name", subject.name());
      node.putObject("digest").put("sha256", subject.sha256());
    }
    root.put("predicateType", predicateType);
    root.set("predicate", predicate);
    return JSON.writeValueAsString(JSON.treeToValue(root, Object.class))
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a statement.
   *
   * @throws VerificationException with {@code MALFORMED}, naming the field at fault, when the bytes
   *     are not an in-toto Statement v1
   */
  public static Statement parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw malformed("is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw malformed("is not a JSON object");
    }
    if (!TYPE.equals(root.path("_type").asString(null))) {
      throw malformed("has _type '" + root.path("_type").asString(null) + "', expected " + TYPE);
    }
    if (!root.path("subject").isArray()) {
      throw malformed("has no 'subject' array");
    }
    List<Subject> subjects = new ArrayList<>();
    for (JsonNode node : root.path("subject")) {
      String sha256 = node.path("digest").path("sha256").asString(null);
      try {
        subjects.add(new Subject(node.path("name").asString(""), sha256));
      } catch (IllegalArgumentException e) {
        throw malformed("has a bad subject: " + e.getMessage());
      }
    }
    try {
      return new Statement(
          subjects, root.path("predicateType").asString(null), root.path("predicate"));
    } catch (IllegalArgumentException e) {
      throw malformed("is incomplete: " + e.getMessage());
    }
  }

  private static VerificationException malformed(String what) {
    return new VerificationException(
        VerificationFailure.MALFORMED, "The in-toto statement " + what);
  }
}
