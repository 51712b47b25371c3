package io.slipway.delta.image;

/** The compression of a layer blob, as its media type names it. */
public enum Compression {
  /** A plain tar. */
  NONE,
  /** A gzip-compressed tar ({@code +gzip}, or Docker's {@code .tar.gzip}). */
  GZIP,
  /** A zstd-compressed tar ({@code +zstd}). */
  ZSTD;

  /**
   * Returns the compression that {@code mediaType} of a layer names.
   *
   * @throws IllegalArgumentException naming the media type when it is not a known layer type
   */
  public static Compression ofMediaType(String mediaType) {
    if (mediaType == null) {
      throw new IllegalArgumentException("A layer needs a media type; got none");
    }
    if (mediaType.endsWith("+gzip") || mediaType.endsWith(".tar.gzip")) {
      return GZIP;
    }
    if (mediaType.endsWith("+zstd")) {
      return ZSTD;
    }
    if (mediaType.endsWith(".tar") || mediaType.endsWith("layer.v1.tar")) {
      return NONE;
    }
    throw new IllegalArgumentException(
        "Layer media type '" + mediaType + "' is not a tar, tar+gzip or tar+zstd layer");
  }
}
