package io.slipway.api.release;

import java.time.Instant;
import java.util.Objects;

/**
 * What the release view shows of a release's signature: the signed release document's place in the
 * fleet's sequence, its digest and the key that signed it. Immutable.
 *
 * @param sequence the release's number in its fleet's release sequence, from 1
 * @param documentDigest {@code sha256:} and the hex SHA-256 of the canonical release document
 * @param keyHint the hint of the signing key (base64 SHA-256 of its SubjectPublicKeyInfo)
 * @param signedAt when the document was signed, as its {@code createdAt} states
 */
public record SignatureSummary(
    long sequence, String documentDigest, String keyHint, Instant signedAt) {

  public SignatureSummary {
    if (sequence < 1) {
      throw new IllegalArgumentException("Release sequence " + sequence + " must be at least 1");
    }
    Objects.requireNonNull(documentDigest, "documentDigest");
    Objects.requireNonNull(keyHint, "keyHint");
    Objects.requireNonNull(signedAt, "signedAt");
  }
}
