package io.slipway.signing.state;

import io.slipway.signing.document.DocumentJson;

/**
 * The release a device should run, as its signed target state names it. Immutable.
 *
 * @param releaseId the server's id of the release
 * @param version the release's version text
 * @param sequence the release's sequence in its fleet, from 1
 * @param releaseDigest the digest of the release document, {@code sha256:} and 64 hex digits
 */
public record TargetRelease(long releaseId, String version, long sequence, String releaseDigest) {

  /**
   * @throws IllegalArgumentException naming the value when the id or sequence is below 1, the
   *     version is blank or the digest is not a sha256 digest
   */
  public TargetRelease {
    if (releaseId < 1) {
      throw new IllegalArgumentException("Release id " + releaseId + " must be 1 or more");
    }
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("Target release " + releaseId + " needs a version");
    }
    if (sequence < 1) {
      throw new IllegalArgumentException(
          "Target release " + releaseId + " has sequence " + sequence + "; sequences start at 1");
    }
    if (!DocumentJson.isSha256Digest(releaseDigest)) {
      throw new IllegalArgumentException(
          "Target release "
              + releaseId
              + " has digest '"
              + releaseDigest
              + "'; expected sha256: and 64 lower-case hex digits");
    }
  }
}
