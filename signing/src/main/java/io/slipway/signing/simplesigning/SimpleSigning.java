package io.slipway.signing.simplesigning;

import io.slipway.signing.Signer;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Signs and verifies image manifests in the simple-signing format of cosign's classic tag layout
 * ({@code sha256-HEX.sig}): a JSON payload naming the image and its manifest digest, signed as is.
 * The payload's {@code optional} object carries Slipway's signing time and key hint; cosign ignores
 * both. Stateless and thread-safe.
 */
public final class SimpleSigning {

  /** The media type of the layer that contains a simple-signing payload. */
  public static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";

  /** The layer annotation that contains the base64 signature over the payload. */
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

  /** The {@code critical.type} of a container image signature. */
  public static final String TYPE = "cosign container image signature";

  /** The {@code optional} field with the signing time, ISO-8601. */
  public static final String SIGNED_AT = "io.slipway.signed-at";

  /** The {@code optional} field with the signing key's hint. */
  public static final String KEY_HINT = "io.slipway.key-hint";

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /**
   * Writes sorted keys. Reads strictly, because a payload with a key twice, such as two manifest
   * digests, reads differently in parsers that keep the first value and in those that keep the
   * last.
   */
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private SimpleSigning() {}

  /**
   * Signs the manifest {@code manifestDigest} of the image {@code dockerReference}.
   *
   * @param dockerReference the image's repository as clients pull it, such as {@code
   *     registry.example/org/fleet/web}
   * @param manifestDigest the manifest's digest, {@code sha256:} and 64 lower-case hex digits
   * @param signedAt the signing time, which verifiers hold against the key's validity
   * @throws IllegalArgumentException naming the value when the reference is blank or the digest is
   *     not a sha256 digest
   * @throws io.slipway.signing.SigningException when the signer fails
   */
  public static SimpleSignature sign(
      Signer signer, String dockerReference, String manifestDigest, Instant signedAt) {
    if (dockerReference == null || dockerReference.isBlank()) {
      throw new IllegalArgumentException(
          "A simple-signing payload needs a docker reference; got '" + dockerReference + "'");
    }
    requireDigest(manifestDigest);
    Objects.requireNonNull(signedAt, "signedAt");

    byte[] payload = payload(dockerReference, manifestDigest, signedAt, signer.hint());
    return new SimpleSignature(payload, signer.sign(payload));
  }

  /**
   * Verifies a simple-signing signature of the manifest {@code manifestDigest}. The classic layout
   * names no key, so the key is the one whose hint the payload's {@code optional} carries; a
   * payload without a hint is tried against every trusted key. The signing time comes from the
   * payload's {@code optional} too, or is unknown (then a retired key is rejected).
   *
   * @throws VerificationException {@code UNSIGNED} for an empty signature; {@code MALFORMED} when
   *     the payload is not simple-signing JSON of a container image; the trust policy's failures;
   *     {@code BAD_SIGNATURE}; {@code DIGEST_MISMATCH} when the payload names another manifest
   * @throws IllegalArgumentException when {@code manifestDigest} is not a sha256 digest
   */
  public static void verify(
      byte[] payload, byte[] signature, String manifestDigest, TrustPolicy policy, Instant now) {
    requireDigest(manifestDigest);
    Objects.requireNonNull(payload, "payload");
    if (signature == null || signature.length == 0) {
      throw new VerificationException(
          VerificationFailure.UNSIGNED,
          "The simple-signing payload for " + manifestDigest + " has no signature");
    }

    JsonNode root = parse(payload);
    JsonNode optional = root.path("optional");
    Instant signedAt = signingTime(optional);
    KeyHint hint = keyHint(optional);
    TrustedKey key =
        hint == null
            ? findSigningKey(payload, signature, policy, signedAt, now)
            : policy.check(hint, signedAt, now);
    if (!key.algorithm().verify(key.publicKey(), payload, signature)) {
      throw new VerificationException(
          VerificationFailure.BAD_SIGNATURE,
          "The simple-signing signature by key "
              + key.hint()
              + " for "
              + manifestDigest
              + " does not verify over its payload");
    }

    String signed = root.path("critical").path("image").path("docker-manifest-digest").asString();
    if (!signed.equals(manifestDigest)) {
      throw new VerificationException(
          VerificationFailure.DIGEST_MISMATCH,
          "The simple-signing payload signs manifest " + signed + ", not " + manifestDigest);
    }
  }

  private static byte[] payload(
      String dockerReference, String manifestDigest, Instant signedAt, KeyHint hint) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode critical = root.putObject("critical");
    critical.putObject("identity").put("docker-reference", dockerReference);
    critical.putObject("image").put("docker-manifest-digest", manifestDigest);
    critical.put("type", TYPE);
    ObjectNode optional = root.putObject("optional");
    optional.put(SIGNED_AT, signedAt.toString());
    optional.put(KEY_HINT, hint.value());
    return JSON.writeValueAsString(JSON.treeToValue(root, Object.class))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode parse(byte[] payload) {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JacksonException e) {
      throw malformed("is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw malformed("is not a JSON object");
    }
    String type = root.path("critical").path("type").asString(null);
    if (!TYPE.equals(type)) {
      throw malformed("has critical.type '" + type + "', expected '" + TYPE + "'");
    }
    if (!root.path("critical").path("image").path("docker-manifest-digest").isString()) {
      throw malformed("has no critical.image.docker-manifest-digest");
    }
    return root;
  }

  /** Finds the trusted key whose signature verifies, for payloads that name no key hint. */
  private static TrustedKey findSigningKey(
      byte[] payload, byte[] signature, TrustPolicy policy, Instant signedAt, Instant now) {
    for (TrustedKey key : policy.keys()) {
      if (key.algorithm().verify(key.publicKey(), payload, signature)) {
        return policy.check(key.hint(), signedAt, now);
      }
    }
    throw new VerificationException(
        VerificationFailure.BAD_SIGNATURE,
        "The simple-signing signature names no key hint and verifies with none of the "
            + policy.keys().size()
            + " trusted keys");
  }

  private static Instant signingTime(JsonNode optional) {
    JsonNode value = optional.get(SIGNED_AT);
    if (value == null || value.isNull()) {
      return null;
    }
    try {
      return Instant.parse(value.asString(""));
    } catch (DateTimeParseException e) {
      throw malformed(
          "has optional."
              + SIGNED_AT
              + " '"
              + value
              + "', not an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }
  }

  private static KeyHint keyHint(JsonNode optional) {
    JsonNode value = optional.get(KEY_HINT);
    if (value == null || value.isNull()) {
      return null;
    }
    try {
      return new KeyHint(value.asString(""));
    } catch (IllegalArgumentException e) {
      throw malformed("has a bad optional." + KEY_HINT + ": " + e.getMessage());
    }
  }

  private static void requireDigest(String digest) {
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "Manifest digest '" + digest + "' is not sha256: followed by 64 lower-case hex digits");
    }
  }

  private static VerificationException malformed(String what) {
    return new VerificationException(
        VerificationFailure.MALFORMED, "The simple-signing payload " + what);
  }
}
