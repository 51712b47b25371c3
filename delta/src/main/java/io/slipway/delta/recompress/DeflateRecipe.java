package io.slipway.delta.recompress;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.zip.Deflater;

/**
 * The compressor and settings that reproduce a raw deflate stream byte for byte, when fed the
 * inflated content and finished. Immutable.
 *
 * @param family which deflate implementation: java.util.zip's zlib or GNU gzip's own
 * @param level the compression level: 0 to 9 for zlib, 1 to 9 for GNU gzip
 * @param strategy for zlib {@link Deflater#DEFAULT_STRATEGY}, {@link Deflater#FILTERED} or {@link
 *     Deflater#HUFFMAN_ONLY}; for GNU gzip, which has no strategies, always {@link
 *     Deflater#DEFAULT_STRATEGY}
 */
public record DeflateRecipe(Family family, int level, int strategy) {

  /** A deflate implementation whose output a recipe reproduces. */
  public enum Family {
    /** java.util.zip's {@link Deflater}, that is the zlib the JDK bundles or links. */
    ZLIB,
    /** {@link GnuGzipDeflater}: the deflate code of GNU gzip 1.12 ({@code gzip -n -LEVEL}). */
    GNU_GZIP
  }

  /** The strategy byte of the payload form that stands for the GNU gzip family. */
  private static final int GNU_GZIP_FORM = 3;

  /**
   * @throws IllegalArgumentException naming the value when the level or strategy is unknown for the
   *     family
   */
  public DeflateRecipe {
    Objects.requireNonNull(family, "family");
    int minLevel = family == Family.ZLIB ? 0 : 1;
    if (level < minLevel || level > 9) {
      throw new IllegalArgumentException(
          family + " deflate level " + level + " is not " + minLevel + " to 9");
    }
    boolean knownStrategy =
        strategy == Deflater.DEFAULT_STRATEGY
            || (family == Family.ZLIB
                && (strategy == Deflater.FILTERED || strategy == Deflater.HUFFMAN_ONLY));
    if (!knownStrategy) {
      throw new IllegalArgumentException(family + " deflate strategy " + strategy + " is unknown");
    }
  }

  /** Creates a zlib recipe. */
  public DeflateRecipe(int level, int strategy) {
    this(Family.ZLIB, level, strategy);
  }

  /** Returns the GNU gzip recipe at {@code level}, 1 to 9. */
  public static DeflateRecipe gnuGzip(int level) {
    return new DeflateRecipe(Family.GNU_GZIP, level, Deflater.DEFAULT_STRATEGY);
  }

  /**
   * Returns a compressor with these settings that writes the raw deflate stream to {@code sink};
   * the caller closes the compressor and keeps ownership of the sink.
   */
  public DeflateCompressor newCompressor(OutputStream sink) {
    Objects.requireNonNull(sink, "sink");
    return family == Family.ZLIB
        ? new ZlibCompressor(newDeflater(), sink)
        : new GnuGzipDeflater(level, sink);
  }

  /**
   * Returns a raw (no wrapper) zlib deflater with these settings; the caller ends it.
   *
   * @throws IllegalStateException when the recipe is not of the zlib family
   */
  public Deflater newDeflater() {
    if (family != Family.ZLIB) {
      throw new IllegalStateException("A " + family + " recipe has no java.util.zip deflater");
    }
    Deflater deflater = new Deflater(level, true);
    deflater.setStrategy(strategy);
    return deflater;
  }

  /**
   * Writes the recipe in the payload's form, one byte each: the level, then the zlib strategy (0, 1
   * or 2) or 3 for the GNU gzip family.
   */
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(level);
    out.writeByte(family == Family.ZLIB ? strategy : GNU_GZIP_FORM);
  }

  /**
   * Reads a recipe that {@link #writeTo} wrote.
   *
   * @throws IllegalArgumentException when the bytes name an unknown level, strategy or family
   */
  public static DeflateRecipe readFrom(DataInput in) throws IOException {
    int level = in.readUnsignedByte();
    int form = in.readUnsignedByte();
    return form == GNU_GZIP_FORM ? gnuGzip(level) : new DeflateRecipe(level, form);
  }
}
