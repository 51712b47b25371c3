package io.slipway.delta.image;

import java.util.Objects;

/**
 * One layer of an image: the blob the manifest lists and the uncompressed digest (diff_id) the
 * config lists at the same position. Immutable.
 *
 * @param blob the layer blob's descriptor
 * @param diffId the digest of the uncompressed tar
 */
public record Layer(Descriptor blob, Digest diffId) {

  public Layer {
    Objects.requireNonNull(blob, "blob");
    Objects.requireNonNull(diffId, "diffId");
  }

  /** Returns how the blob is compressed. */
  public Compression compression() {
    return Compression.ofMediaType(blob.mediaType());
  }
}
