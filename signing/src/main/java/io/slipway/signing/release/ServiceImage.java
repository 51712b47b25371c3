package io.slipway.signing.release;

import io.slipway.signing.document.DocumentJson;

/**
 * One service of a release and the image it runs. Immutable.
 *
 * @param name the service's name in the release, such as {@code web}
 * @param repository the image's repository in Slipway's registry, such as {@code acme/gateways/web}
 * @param indexDigest the digest of the image index (or manifest) the release pins, {@code sha256:}
 *     and 64 lower-case hex digits
 */
public record ServiceImage(String name, String repository, String indexDigest) {

  /**
   * @throws IllegalArgumentException naming the value when a field is blank or the digest is not a
   *     sha256 digest
   */
  public ServiceImage {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("A release service needs a name");
    }
    if (repository == null || repository.isBlank()) {
      throw new IllegalArgumentException("Service '" + name + "' needs an image repository");
    }
    if (!DocumentJson.isSha256Digest(indexDigest)) {
      throw new IllegalArgumentException(
          "Service '"
              + name
              + "' has image digest '"
              + indexDigest
              + "'; expected sha256: and 64 lower-case hex digits");
    }
  }

  /** Returns the hex part of the digest. */
  public String indexSha256() {
    return indexDigest.substring("sha256:".length());
  }
}
