package io.slipway.osimage.image;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The packing of a disk image, on disk or on the wire: raw or compressed. */
public enum ImageFormat {
  /** The raw image. */
  IMG("img"),
  /** A zip archive holding one image (and, when Slipway writes it, its bmap and SHA-256). */
  IMG_ZIP("img.zip"),
  /** The raw image compressed with gzip. */
  IMG_GZ("img.gz"),
  /** The raw image compressed with xz. */
  IMG_XZ("img.xz"),
  /** The raw image compressed with zstd. */
  IMG_ZST("img.zst");

  private final String extension;

  ImageFormat(String extension) {
    this.extension = extension;
  }

  /** Returns the file name extension without the leading dot, such as {@code img.zip}. */
  public String extension() {
    return extension;
  }

  /**
   * Returns the format named by {@code name}, an extension such as {@code img.zip} or a file name
   * ending in one.
   *
   * @throws OsImageException {@code INVALID_CONFIG} naming the value and the formats known
   */
  public static ImageFormat fromName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    ImageFormat best = null;
    for (ImageFormat format : values()) {
      boolean matches = lower.equals(format.extension) || lower.endsWith("." + format.extension);
      if (matches && (best == null || format.extension.length() > best.extension.length())) {
        best = format;
      }
    }
    if (best != null) {
      return best;
    }
    throw new OsImageException(
        OsImageFailure.INVALID_CONFIG,
        "Unknown image format '"
            + name
            + "': use one of "
            + Arrays.stream(values())
                .map(ImageFormat::extension)
                .collect(Collectors.joining(", ")));
  }
}
