package io.slipway.delta.recompress;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.zip.Deflater;

/**
 * The settings with which java.util.zip's {@link Deflater} (zlib) reproduces a raw deflate stream
 * byte for byte, when fed the inflated content in one pass and finished. Immutable.
 *
 * @param level the compression level, 0 to 9
 * @param strategy {@link Deflater#DEFAULT_STRATEGY}, {@link Deflater#FILTERED} or {@link
 *     Deflater#HUFFMAN_ONLY}
 */
public record DeflateRecipe(int level, int strategy) {

  /**
   * @throws IllegalArgumentException naming the value when the level or strategy is unknown
   */
  public DeflateRecipe {
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException("Deflate level " + level + " is not 0 to 9");
    }
    if (strategy != Deflater.DEFAULT_STRATEGY
        && strategy != Deflater.FILTERED
        && strategy != Deflater.HUFFMAN_ONLY) {
      throw new IllegalArgumentException("Deflate strategy " + strategy + " is unknown");
    }
  }

  /** Returns a raw (no wrapper) deflater with these settings; the caller ends it. */
  public Deflater newDeflater() {
    Deflater deflater = new Deflater(level, true);
    deflater.setStrategy(strategy);
    return deflater;
  }

  /** Writes the recipe in the payload's form: level then strategy, one byte each. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(level);
    out.writeByte(strategy);
  }

  /**
   * Reads a recipe that {@link #writeTo} wrote.
   *
   * @throws IllegalArgumentException when the bytes name an unknown level or strategy
   */
  public static DeflateRecipe readFrom(DataInput in) throws IOException {
    return new DeflateRecipe(in.readUnsignedByte(), in.readUnsignedByte());
  }
}
