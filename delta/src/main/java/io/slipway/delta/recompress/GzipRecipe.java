package io.slipway.delta.recompress;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * How to rebuild a single-member gzip blob byte for byte from its uncompressed content: the exact
 * header bytes, then the deflate stream made with {@link #deflate()}, then the CRC-32 and size
 * trailer. Immutable: the constructor and {@link #header()} copy the header array.
 *
 * @param header the gzip header exactly as the original has it (10 bytes or more with optional
 *     fields), at most {@link #MAX_HEADER_LENGTH} bytes
 * @param deflate the deflate settings that reproduce the compressed data
 */
public record GzipRecipe(byte[] header, DeflateRecipe deflate) {

  /**
   * The maximum header length of a recipe, in bytes. Blobs with longer headers are not reproduced.
   */
  public static final int MAX_HEADER_LENGTH = 65_535;

  /**
   * @throws IllegalArgumentException naming the value when the header is shorter than 10 bytes,
   *     longer than {@link #MAX_HEADER_LENGTH}, or does not start with the gzip magic and the
   *     deflate method
   */
  public GzipRecipe {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(deflate, "deflate");
    if (header.length < GzipHeader.FIXED_LENGTH || header.length > MAX_HEADER_LENGTH) {
      throw new IllegalArgumentException(
          "Gzip header length "
              + header.length
              + " is not "
              + GzipHeader.FIXED_LENGTH
              + " to "
              + MAX_HEADER_LENGTH);
    }
    if (!GzipHeader.startsWithMagic(header)) {
      throw new IllegalArgumentException(
          "Gzip header "
              + HexFormat.of().formatHex(header, 0, 3)
              + " does not start with 1f8b08 (gzip magic, deflate method)");
    }
    header = header.clone();
  }

  /** Returns a copy of the header bytes. */
  @Override
  public byte[] header() {
    return header.clone();
  }

  /**
   * Returns a stream that compresses what is written to it into {@code out} with this recipe;
   * closing it writes the trailer and closes {@code out}. Its {@code flush()} flushes only what is
   * already compressed, because a deflate flush would change the bytes. Not thread-safe.
   */
  public OutputStream compressor(OutputStream out) {
    return new GzipCompressorStream(out, header, deflate);
  }

  /** Writes the recipe in the payload's form: header length (2 bytes), header, deflate recipe. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeShort(header.length);
    out.write(header);
    deflate.writeTo(out);
  }

  /**
   * Reads a recipe that {@link #writeTo} wrote.
   *
   * @throws IllegalArgumentException when the bytes do not form a valid recipe
   */
  public static GzipRecipe readFrom(DataInput in) throws IOException {
    int length = in.readUnsignedShort();
    byte[] header = new byte[length];
    in.readFully(header);
    return new GzipRecipe(header, DeflateRecipe.readFrom(in));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof GzipRecipe that
        && Arrays.equals(header, that.header)
        && deflate.equals(that.deflate);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(header) + deflate.hashCode();
  }

  @Override
  public String toString() {
    return "GzipRecipe[header=" + HexFormat.of().formatHex(header) + ", deflate=" + deflate + "]";
  }
}
