package io.slipway.signing.image;

import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleVerifier;
import io.slipway.signing.intoto.Statement;
import io.slipway.signing.trust.TrustPolicy;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Checks a manifest or index that a device fetched against its signature: the bytes must hash to
 * the digest they were fetched by, and a trusted key must have signed an image statement about that
 * digest. Children of a verified index need no bundle of their own, because the index names them by
 * digest. Stateless and thread-safe.
 */
public final class ImageVerifier {

  private ImageVerifier() {}

  /**
   * Verifies {@code manifest}, fetched by {@code digest}, with {@code bundle}.
   *
   * @param manifest the manifest's or index's bytes as the registry served them
   * @param digest the digest it was fetched by, {@code sha256:} and 64 hex digits
   * @return the verified image statement
   * @throws VerificationException {@code DIGEST_MISMATCH} when the bytes hash to another digest (a
   *     tampered manifest) or the bundle signs another digest; the bundle's and trust policy's
   *     failures
   */
  public static Statement verify(
      byte[] manifest, String digest, Bundle bundle, TrustPolicy policy, Instant now) {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(digest, "digest");
    String actual = sha256(manifest);
    if (!actual.equals(digest)) {
      throw new VerificationException(
          VerificationFailure.DIGEST_MISMATCH,
          "The manifest fetched as " + digest + " hashes to " + actual + "; it was altered");
    }
    return BundleVerifier.verifyStatement(
        bundle, digest, ImageStatements.PREDICATE_TYPE, policy, now);
  }

  private static String sha256(byte[] content) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return "sha256:" + HexFormat.of().formatHex(sha.digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
