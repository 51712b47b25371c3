package io.slipway.delta.manifest;

import io.slipway.signing.Signer;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.trust.TrustPolicy;
import java.time.Instant;

/**
 * Signs and verifies delta manifests: an in-toto statement with predicate type {@link
 * #PREDICATE_TYPE} whose subject is the payload digest, in a Sigstore bundle. The distinct
 * predicate type keeps a delta signature from passing as an image or release signature. Stateless
 * and thread-safe.
 */
public final class DeltaManifests {

  /** The predicate type of Slipway's delta statements. */
  public static final String PREDICATE_TYPE = "https://slipway.io/delta/v1";

  private DeltaManifests() {}

  /** Signs {@code manifest} with {@code signer}, stating {@code signedAt}. */
  public static Bundle sign(Signer signer, DeltaManifest manifest, Instant signedAt) {
    // TODO: contract only; filled with delta signing.
    throw new UnsupportedOperationException("not yet implemented");
  }

  /**
   * Verifies {@code bundle} against {@code policy} at {@code now} and returns the manifest it
   * signs.
   *
   * @throws io.slipway.signing.VerificationException when the signature, key or predicate type is
   *     not acceptable, or the predicate does not parse
   */
  public static DeltaManifest verify(Bundle bundle, TrustPolicy policy, Instant now) {
    // TODO: contract only; filled with delta signing.
    throw new UnsupportedOperationException("not yet implemented");
  }
}
