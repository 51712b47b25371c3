package io.slipway.api.release;

import java.util.Optional;

/**
 * Reads the signature summary of a release for the release view. Implemented by the package that
 * signs releases, so that this package does not depend on it. Implementations must be safe for
 * concurrent use.
 */
public interface ReleaseSignatures {

  /** Returns the summary of the signature of release {@code releaseId}, or empty while unsigned. */
  Optional<SignatureSummary> summaryOf(long releaseId);
}
