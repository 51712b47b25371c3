package io.slipway.api.releasesigning;

import io.slipway.api.release.SignatureSummary;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The stored signature of one release: the canonical release document exactly as signed and the
 * Sigstore bundle that signs it. Immutable; the document array is copied in and out.
 *
 * @param releaseId the signed release
 * @param fleetId its fleet
 * @param sequence the release's number in the fleet's release sequence, from 1
 * @param document the canonical release document JSON, UTF-8
 * @param documentDigest {@code sha256:} and the hex SHA-256 of {@code document}
 * @param bundle the bundle JSON whose DSSE envelope holds the document as an in-toto statement
 * @param keyHint the hint of the signing key
 * @param signedAt when it was signed, equal to the document's {@code createdAt}
 */
public record ReleaseSignature(
    long releaseId,
    long fleetId,
    long sequence,
    byte[] document,
    String documentDigest,
    byte[] bundle,
    String keyHint,
    Instant signedAt) {

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /**
   * @throws IllegalArgumentException naming the value when the sequence is below 1 or the digest is
   *     not {@code sha256:<64 hex>}
   */
  public ReleaseSignature {
    if (sequence < 1) {
      throw new IllegalArgumentException(
          "Release sequence " + sequence + " of release " + releaseId + " must be at least 1");
    }
    if (documentDigest == null || !DIGEST.matcher(documentDigest).matches()) {
      throw new IllegalArgumentException(
          "Release document digest '" + documentDigest + "' is not sha256:<64 hex>");
    }
    document = Objects.requireNonNull(document, "document").clone();
    bundle = Objects.requireNonNull(bundle, "bundle").clone();
    Objects.requireNonNull(keyHint, "keyHint");
    Objects.requireNonNull(signedAt, "signedAt");
  }

  @Override
  public byte[] document() {
    return document.clone();
  }

  @Override
  public byte[] bundle() {
    return bundle.clone();
  }

  /** Returns the bundle JSON as text. */
  public String bundleText() {
    return new String(bundle, StandardCharsets.UTF_8);
  }

  /** Returns what the release view shows of this signature. */
  public SignatureSummary summary() {
    return new SignatureSummary(sequence, documentDigest, keyHint, signedAt);
  }

  @Override
  public String toString() {
    return "ReleaseSignature[release="
        + releaseId
        + ", sequence="
        + sequence
        + ", document="
        + documentDigest
        + ", key="
        + keyHint
        + "]";
  }
}
