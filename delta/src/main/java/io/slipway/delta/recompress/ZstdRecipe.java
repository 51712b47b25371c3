package io.slipway.delta.recompress;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;

/**
 * How to rebuild a zstd-compressed blob byte for byte with zstd-jni from its uncompressed content.
 * Immutable.
 *
 * @param level the compression level
 * @param checksum whether frames carry a content checksum
 */
public record ZstdRecipe(int level, boolean checksum) {

  /**
   * Returns a stream that compresses what is written to it into {@code out} as this recipe says;
   * closing it ends the frame and closes {@code out}.
   */
  public OutputStream compressor(OutputStream out) throws IOException {
    // TODO: contract only; filled with the zstd reproducer.
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Writes the recipe in the payload's form. */
  public void writeTo(DataOutput out) throws IOException {
    // TODO: contract only; filled with the zstd reproducer.
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Reads a recipe that {@link #writeTo} wrote. */
  public static ZstdRecipe readFrom(DataInput in) throws IOException {
    // TODO: contract only; filled with the zstd reproducer.
    throw new UnsupportedOperationException("not yet implemented");
  }
}
