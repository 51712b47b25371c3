package io.slipway.delta.image;

import java.util.Objects;

/**
 * An OCI descriptor: the media type, digest and size that a manifest lists for one blob. Immutable.
 *
 * @param mediaType the blob's media type
 * @param digest the blob's digest
 * @param size the blob's size in bytes, at least 0
 */
public record Descriptor(String mediaType, Digest digest, long size) {

  /**
   * @throws IllegalArgumentException naming the value when the size is negative or type blank
   */
  public Descriptor {
    Objects.requireNonNull(digest, "digest");
    if (mediaType == null || mediaType.isBlank()) {
      throw new IllegalArgumentException("The descriptor of " + digest + " has no media type");
    }
    if (size < 0) {
      throw new IllegalArgumentException("The descriptor of " + digest + " has size " + size);
    }
  }
}
