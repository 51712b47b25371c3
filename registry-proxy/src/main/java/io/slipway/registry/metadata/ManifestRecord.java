package io.slipway.registry.metadata;

import io.slipway.registry.reference.Digest;
import java.util.Objects;

/**
 * Metadata of one manifest in one repository.
 *
 * @param digest the manifest's digest
 * @param mediaType its media type, as pushed
 * @param size its length in bytes
 * @param artifactType its artifact type for the referrers API, or null
 * @param subjectDigest the digest of the manifest it refers to, or null
 * @param annotationsJson its annotations as a JSON object, or null
 */
public record ManifestRecord(
    Digest digest,
    String mediaType,
    long size,
    String artifactType,
    Digest subjectDigest,
    String annotationsJson) {

  public ManifestRecord {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
  }
}
