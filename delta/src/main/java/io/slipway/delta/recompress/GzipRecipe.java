package io.slipway.delta.recompress;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * How to rebuild a single-member gzip blob byte for byte from its uncompressed content: the exact
 * header bytes, then the deflate stream made with {@link #deflate()}, then the CRC-32 and size
 * trailer. Immutable apart from the header array, which callers must not change.
 *
 * @param header the gzip header exactly as the original has it (10 bytes or more with optional
 *     fields)
 * @param deflate the deflate settings that reproduce the compressed data
 */
public record GzipRecipe(byte[] header, DeflateRecipe deflate) {

  public GzipRecipe {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(deflate, "deflate");
  }

  /**
   * Returns a stream that compresses what is written to it into {@code out} as this recipe says;
   * closing it writes the trailer and closes {@code out}.
   */
  public OutputStream compressor(OutputStream out) {
    // TODO: contract only; filled with the gzip reproducer.
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Writes the recipe in the payload's form. */
  public void writeTo(DataOutput out) throws IOException {
    // TODO: contract only; filled with the gzip reproducer.
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Reads a recipe that {@link #writeTo} wrote. */
  public static GzipRecipe readFrom(DataInput in) throws IOException {
    // TODO: contract only; filled with the gzip reproducer.
    throw new UnsupportedOperationException("not yet implemented");
  }
}
