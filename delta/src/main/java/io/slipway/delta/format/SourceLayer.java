package io.slipway.delta.format;

import io.slipway.delta.image.Digest;
import java.util.Objects;

/**
 * A base layer that payload operations read from, by its position in the header's list. The applier
 * checks that the base image contains a layer with this blob digest and diff_id before reading
 * anything else.
 *
 * @param blob the base layer blob's digest
 * @param diffId the digest of its uncompressed tar, which {@link SourceRange} offsets count in
 * @param uncompressedSize the uncompressed tar's size in bytes
 */
public record SourceLayer(Digest blob, Digest diffId, long uncompressedSize) {

  /**
   * @throws IllegalArgumentException naming the value when the size is negative
   */
  public SourceLayer {
    Objects.requireNonNull(blob, "blob");
    Objects.requireNonNull(diffId, "diffId");
    if (uncompressedSize < 0) {
      throw new IllegalArgumentException(
          "Source layer " + blob + " has uncompressed size " + uncompressedSize);
    }
  }
}
