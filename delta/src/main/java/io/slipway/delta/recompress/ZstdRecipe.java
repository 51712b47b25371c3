package io.slipway.delta.recompress;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * How to rebuild a zstd-compressed blob byte for byte with zstd-jni from its uncompressed content:
 * one frame written by zstd-jni's streaming compressor at {@link #level()}, without a content size
 * in the frame header. Immutable.
 *
 * @param level the compression level, {@link #MIN_LEVEL} to {@link #MAX_LEVEL}
 * @param checksum whether the frame carries a content checksum
 */
public record ZstdRecipe(int level, boolean checksum) {

  /** The lowest level a recipe names. */
  public static final int MIN_LEVEL = 1;

  /** The highest level a recipe names. */
  public static final int MAX_LEVEL = 22;

  /**
   * @throws IllegalArgumentException naming the value when the level is outside {@link #MIN_LEVEL}
   *     to {@link #MAX_LEVEL}
   */
  public ZstdRecipe {
    if (level < MIN_LEVEL || level > MAX_LEVEL) {
      throw new IllegalArgumentException(
          "Zstd level " + level + " is not " + MIN_LEVEL + " to " + MAX_LEVEL);
    }
  }

  /**
   * Returns a stream that compresses what is written to it into {@code out} with this recipe;
   * closing it ends the frame and closes {@code out}. Its {@code flush()} does nothing, because a
   * zstd flush ends a block and would change the bytes. Not thread-safe.
   */
  public OutputStream compressor(OutputStream out) throws IOException {
    ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(out, level);
    zstd.setChecksum(checksum);
    return new FilterOutputStream(zstd) {
      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        zstd.write(bytes, offset, length);
      }

      @Override
      public void flush() {
        // Deliberately empty: see the method's contract.
      }
    };
  }

  /** Writes the recipe in the payload's form: level, then 1 or 0 for the checksum, a byte each. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(level);
    out.writeByte(checksum ? 1 : 0);
  }

  /**
   * Reads a recipe that {@link #writeTo} wrote.
   *
   * @throws IllegalArgumentException when the bytes name an unknown level or checksum flag
   */
  public static ZstdRecipe readFrom(DataInput in) throws IOException {
    int level = in.readUnsignedByte();
    int checksum = in.readUnsignedByte();
    if (checksum > 1) {
      throw new IllegalArgumentException("Zstd checksum flag " + checksum + " is not 0 or 1");
    }
    return new ZstdRecipe(level, checksum == 1);
  }
}
