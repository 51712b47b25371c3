package io.slipway.delta.manifest;

import io.slipway.delta.image.Digest;
import io.slipway.signing.Signer;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleSigner;
import io.slipway.signing.bundle.BundleVerifier;
import io.slipway.signing.document.DocumentJson;
import io.slipway.signing.document.DocumentReader;
import io.slipway.signing.intoto.Statement;
import io.slipway.signing.trust.TrustPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Signs and verifies delta manifests: an in-toto statement with predicate type {@link
 * #PREDICATE_TYPE} whose subject is the payload digest, in a Sigstore bundle. The distinct
 * predicate type keeps a delta signature from passing as an image or release signature. Stateless
 * and thread-safe.
 *
 * <p>The statement has exactly one subject, named {@value #SUBJECT_NAME}, whose SHA-256 is the
 * payload's. The predicate has exactly the fields {@code source} and {@code target} (platform
 * manifest digests, {@code sha256:} and 64 hex digits), {@code formatVersion}, {@code payloadSize}
 * (bytes) and {@code signedAt} (ISO-8601 UTC in whole seconds), which the trust policy compares
 * with the key's validity.
 */
public final class DeltaManifests {

  /** The predicate type of Slipway's delta statements. */
  public static final String PREDICATE_TYPE = "https://slipway.io/delta/v1";

  /** The name of the statement's one subject, the payload. */
  public static final String SUBJECT_NAME = "delta";

  private static final Set<String> FIELDS =
      Set.of("source", "target", "formatVersion", "payloadSize", "signedAt");

  private DeltaManifests() {}

  /**
   * Signs {@code manifest} with {@code signer}, stating {@code signedAt} cut to whole seconds.
   *
   * @throws io.slipway.signing.SigningException when the signer fails
   */
  public static Bundle sign(Signer signer, DeltaManifest manifest, Instant signedAt) {
    Objects.requireNonNull(signer, "signer");
    return BundleSigner.signStatement(signer, toStatement(manifest, signedAt));
  }

  /**
   * Returns the statement that {@link #sign} signs, for callers that sign it another way.
   *
   * @param signedAt the signing time, cut to whole seconds
   */
  public static Statement toStatement(DeltaManifest manifest, Instant signedAt) {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(signedAt, "signedAt");

    ObjectNode predicate = JsonNodeFactory.instance.objectNode();
    predicate.put("source", manifest.source().value());
    predicate.put("target", manifest.target().value());
    predicate.put("formatVersion", manifest.formatVersion());
    predicate.put("payloadSize", manifest.payloadSize());
    predicate.put("signedAt", DocumentJson.format(DocumentJson.seconds(signedAt)));

    Statement.Subject subject = new Statement.Subject(SUBJECT_NAME, manifest.payloadDigest().hex());
    return new Statement(List.of(subject), PREDICATE_TYPE, predicate);
  }

  /**
   * Verifies {@code bundle} against {@code policy} at {@code now} and returns the manifest it
   * signs. The caller must still compare the manifest's payload digest and size with the payload it
   * holds, or use {@link #verify(Bundle, Digest, TrustPolicy, Instant)}.
   *
   * @throws VerificationException {@code SUBJECT_MISMATCH} when the bundle signs a file or a
   *     statement of another predicate type; {@code MALFORMED} when the statement does not have
   *     exactly one subject named {@value #SUBJECT_NAME} or the predicate is not exactly the fields
   *     above with valid values; the trust policy's failures, such as {@code UNKNOWN_KEY}; {@code
   *     BAD_SIGNATURE}
   */
  public static DeltaManifest verify(Bundle bundle, TrustPolicy policy, Instant now) {
    Objects.requireNonNull(bundle, "bundle");
    Statement statement = BundleVerifier.verifyStatement(bundle, PREDICATE_TYPE, policy, now);
    return parse(statement);
  }

  /**
   * Verifies {@code bundle} as {@link #verify(Bundle, TrustPolicy, Instant)} does, and that it
   * signs the payload whose digest is {@code payloadDigest}.
   *
   * @throws VerificationException as {@link #verify(Bundle, TrustPolicy, Instant)}, and {@code
   *     DIGEST_MISMATCH} when the bundle signs another payload
   */
  public static DeltaManifest verify(
      Bundle bundle, Digest payloadDigest, TrustPolicy policy, Instant now) {
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(payloadDigest, "payloadDigest");
    Statement statement =
        BundleVerifier.verifyStatement(bundle, payloadDigest.value(), PREDICATE_TYPE, policy, now);
    return parse(statement);
  }

  /** Parses a verified statement's subject and predicate, strictly. */
  private static DeltaManifest parse(Statement statement) {
    Digest payloadDigest = payloadDigest(statement);
    DocumentReader reader =
        DocumentJson.readObject(statement.predicate(), "delta predicate", FIELDS);
    reader.instant("signedAt");

    long formatVersion = reader.integer("formatVersion");
    if (formatVersion > Integer.MAX_VALUE) {
      throw reader.invalid("formatVersion " + formatVersion + " is too large for a format version");
    }
    try {
      return new DeltaManifest(
          Digest.of(reader.text("source")),
          Digest.of(reader.text("target")),
          (int) formatVersion,
          reader.integer("payloadSize"),
          payloadDigest);
    } catch (IllegalArgumentException e) {
      throw reader.invalid(e.getMessage());
    }
  }

  private static Digest payloadDigest(Statement statement) {
    List<Statement.Subject> subjects = statement.subjects();
    if (subjects.size() != 1 || !subjects.get(0).name().equals(SUBJECT_NAME)) {
      throw new VerificationException(
          VerificationFailure.MALFORMED,
          "A delta statement has exactly one subject named '"
              + SUBJECT_NAME
              + "'; this one has "
              + subjects.stream().map(Statement.Subject::name).toList());
    }
    return Digest.of("sha256:" + subjects.get(0).sha256());
  }
}
