package io.slipway.signing.bundle;

import io.slipway.signing.SigningException;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Dsse;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.intoto.Statement;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Verifies Sigstore bundles against a {@link TrustPolicy}: statements in DSSE envelopes, and
 * message signatures over files. Stateless and thread-safe.
 *
 * <p>Every method throws {@link VerificationException} naming the failed check and the value at
 * fault, and returns normally only when the signature verifies with a key the policy trusts for the
 * signing time.
 */
public final class BundleVerifier {

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /** Predicate fields that carry the signing time, in the order they are looked up. */
  private static final List<String> SIGNING_TIME_FIELDS = List.of("signedAt", "createdAt");

  private BundleVerifier() {}

  /**
   * Verifies a bundle that signs an in-toto statement about {@code subjectDigest}.
   *
   * <p>The signing time is the predicate's {@code signedAt}, else its {@code createdAt} (ISO-8601),
   * else unknown; the trust policy judges the key for that time. The time is read from the payload
   * before the signature is checked, but only counts once the signature over it verifies.
   *
   * @param subjectDigest the artifact's digest, {@code sha256:} and 64 lower-case hex digits
   * @param predicateType the predicate type the caller expects
   * @return the verified statement
   * @throws VerificationException {@code SUBJECT_MISMATCH} when the bundle signs a file or another
   *     payload type, or its statement has another predicate type; {@code MALFORMED} for an
   *     unreadable statement or signing time; the trust policy's failures; {@code BAD_SIGNATURE};
   *     {@code DIGEST_MISMATCH} when no subject has {@code subjectDigest}
   * @throws IllegalArgumentException when {@code subjectDigest} is not a sha256 digest
   */
  public static Statement verifyStatement(
      Bundle bundle, String subjectDigest, String predicateType, TrustPolicy policy, Instant now) {
    requireDigest(subjectDigest);
    Statement statement = verifyStatement(bundle, predicateType, policy, now);

    String hex = subjectDigest.substring("sha256:".length());
    if (!statement.hasSubjectDigest(hex)) {
      throw new VerificationException(
          VerificationFailure.DIGEST_MISMATCH,
          "The signed statement is about " + subjectDigests(statement) + ", not " + subjectDigest);
    }
    return statement;
  }

  /**
   * Verifies a bundle that signs an in-toto statement of {@code predicateType}, leaving the
   * subjects to the caller, which must compare them (or the predicate) with the artifact it holds.
   * Release documents use this: their subjects are the service images, and the device compares the
   * document's digest with the one its signed target state names.
   *
   * @return the verified statement
   * @throws VerificationException as {@link #verifyStatement(Bundle, String, String, TrustPolicy,
   *     Instant)}, without the subject check
   */
  public static Statement verifyStatement(
      Bundle bundle, String predicateType, TrustPolicy policy, Instant now) {
    Objects.requireNonNull(predicateType, "predicateType");
    Envelope envelope =
        bundle
            .envelope()
            .orElseThrow(
                () ->
                    new VerificationException(
                        VerificationFailure.SUBJECT_MISMATCH,
                        "The bundle by key "
                            + bundle.hint()
                            + " signs a file, not an in-toto statement of type "
                            + predicateType));
    if (!envelope.payloadType().equals(Statement.PAYLOAD_TYPE)) {
      throw new VerificationException(
          VerificationFailure.SUBJECT_MISMATCH,
          "The bundle's DSSE payload type is '"
              + envelope.payloadType()
              + "', expected '"
              + Statement.PAYLOAD_TYPE
              + "'");
    }

    Statement statement = Statement.parse(envelope.payload());
    Instant signedAt = signingTime(statement);
    Dsse.verify(envelope, Statement.PAYLOAD_TYPE, policy, signedAt, now);

    if (!statement.predicateType().equals(predicateType)) {
      throw new VerificationException(
          VerificationFailure.SUBJECT_MISMATCH,
          "The signed statement has predicate type '"
              + statement.predicateType()
              + "', expected '"
              + predicateType
              + "'");
    }
    return statement;
  }

  /**
   * Verifies a bundle's message signature over the file at {@code file}. The file is read once; for
   * ECDSA P-256 keys it is streamed and never held in memory.
   *
   * @param signedAt when the file claims to be signed, read by the caller from signed content, or
   *     null when unknown (then a retired key is rejected)
   * @throws VerificationException {@code SUBJECT_MISMATCH} when the bundle contains a DSSE envelope
   *     instead; the trust policy's failures; {@code DIGEST_MISMATCH} when the file's SHA-256
   *     differs from the bundle's; {@code BAD_SIGNATURE}
   * @throws SigningException naming the file when it cannot be read
   */
  public static void verifyFile(
      Bundle bundle, Path file, TrustPolicy policy, Instant signedAt, Instant now) {
    Objects.requireNonNull(file, "file");
    Bundle.MessageSignature message = requireMessage(bundle, file.toString());
    TrustedKey key = policy.check(bundle.hint(), signedAt, now);

    if (key.algorithm().signsDigests()) {
      byte[] sha256 = Contents.sha256(file);
      requireSameDigest(message, sha256, file.toString());
      boolean valid = key.algorithm().verifyDigest(key.publicKey(), sha256, message.signature());
      requireValid(valid, key, file.toString());
      return;
    }
    verifyBytes(message, key, Contents.readAll(file, "verify it"), file.toString());
  }

  /**
   * Verifies a bundle's message signature over {@code content}, as {@link #verifyFile(Bundle, Path,
   * TrustPolicy, Instant, Instant)} does over a file.
   */
  public static void verifyFile(
      Bundle bundle, byte[] content, TrustPolicy policy, Instant signedAt, Instant now) {
    Objects.requireNonNull(content, "content");
    String name = "the given " + content.length + " bytes";
    Bundle.MessageSignature message = requireMessage(bundle, name);
    TrustedKey key = policy.check(bundle.hint(), signedAt, now);
    verifyBytes(message, key, content, name);
  }

  private static void verifyBytes(
      Bundle.MessageSignature message, TrustedKey key, byte[] content, String name) {
    requireSameDigest(message, Contents.sha256(content), name);
    boolean valid = key.algorithm().verify(key.publicKey(), content, message.signature());
    requireValid(valid, key, name);
  }

  private static Bundle.MessageSignature requireMessage(Bundle bundle, String name) {
    return bundle
        .messageSignature()
        .orElseThrow(
            () ->
                new VerificationException(
                    VerificationFailure.SUBJECT_MISMATCH,
                    "The bundle by key "
                        + bundle.hint()
                        + " contains a DSSE envelope, not a signature over the file "
                        + name));
  }

  private static void requireSameDigest(
      Bundle.MessageSignature message, byte[] sha256, String name) {
    if (!MessageDigest.isEqual(message.sha256(), sha256)) {
      throw new VerificationException(
          VerificationFailure.DIGEST_MISMATCH,
          "The bundle signs "
              + message.digest()
              + ", but "
              + name
              + " has digest sha256:"
              + HexFormat.of().formatHex(sha256));
    }
  }

  private static void requireValid(boolean valid, TrustedKey key, String name) {
    if (!valid) {
      throw new VerificationException(
          VerificationFailure.BAD_SIGNATURE,
          "The bundle's signature by key " + key.hint() + " over " + name + " does not verify");
    }
  }

  private static Instant signingTime(Statement statement) {
    JsonNode predicate = statement.predicate();
    for (String field : SIGNING_TIME_FIELDS) {
      JsonNode value = predicate.get(field);
      if (value == null || value.isNull()) {
        continue;
      }
      if (!value.isString()) {
        throw malformedTime(field, value.toString());
      }
      try {
        return Instant.parse(value.asString());
      } catch (DateTimeParseException e) {
        throw malformedTime(field, value.asString());
      }
    }
    return null;
  }

  private static VerificationException malformedTime(String field, String value) {
    return new VerificationException(
        VerificationFailure.MALFORMED,
        "The signed statement's predicate."
            + field
            + " is '"
            + value
            + "', not an ISO-8601 instant such as 2026-01-31T12:00:00Z");
  }

  private static String subjectDigests(Statement statement) {
    return statement.subjects().stream()
        .map(subject -> "sha256:" + subject.sha256())
        .collect(Collectors.joining(", "));
  }

  private static void requireDigest(String digest) {
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "Digest '" + digest + "' is not sha256: followed by 64 lower-case hex digits");
    }
  }
}
