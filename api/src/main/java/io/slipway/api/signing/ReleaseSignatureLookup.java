package io.slipway.api.signing;

import io.slipway.api.release.ReleaseSignatures;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Finds the place of a release in its fleet's signed release sequence, for signed pins and signed
 * target states. Safe for concurrent use.
 */
@Component
class ReleaseSignatureLookup {

  private final ReleaseSignatures signatures;

  ReleaseSignatureLookup(ReleaseSignatures signatures) {
    this.signatures = signatures;
  }

  /**
   * A release's signature as pins and target states name it.
   *
   * @param sequence the release's number in its fleet's release sequence, from 1
   * @param digest {@code sha256:} and the hex SHA-256 of the signed release document
   */
  record SignedRelease(long sequence, String digest) {}

  /** Returns the signature of release {@code releaseId}, or empty while it has none. */
  Optional<SignedRelease> find(long releaseId) {
    return signatures
        .summaryOf(releaseId)
        .map(summary -> new SignedRelease(summary.sequence(), summary.documentDigest()));
  }
}
