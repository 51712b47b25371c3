package io.slipway.delta.recompress;

import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the {@link ZstdRecipe} that rebuilds a zstd blob byte for byte with zstd-jni's streaming
 * compressor. Only single frames without a content size, a dictionary id or skippable frames can
 * match. The zstd command line writes the content size when it compresses a file, and Go's zstd
 * encoders (containerd, BuildKit, podman) write other bytes. Stateless and thread-safe.
 */
public final class ZstdReproducer {

  private static final int MAGIC = 0xfd2fb528;
  private static final int CONTENT_SIZE_FLAGS = 0xc0;
  private static final int SINGLE_SEGMENT_FLAG = 0x20;
  private static final int CHECKSUM_FLAG = 0x04;
  private static final int DICTIONARY_ID_FLAGS = 0x03;

  /**
   * The highest level tried. Levels 20 to 22 need several hundred MiB of native memory to compress,
   * more than a device that rebuilds the layer can spare.
   */
  static final int MAX_TRIED_LEVEL = 19;

  /** The default level first, then the highest tried, which layer tools pick for size. */
  private static final List<Integer> LEVELS = buildLevels();

  private ZstdReproducer() {}

  /**
   * Returns the recipe that reproduces {@code zstdBlob} exactly, trying levels 3, 19, then 1 to 18
   * with the checksum flag that the frame header names; empty when none does or the blob is not a
   * frame that zstd-jni's streaming compressor could have written. A wrong level is rejected at its
   * first differing byte, within the first 128 KiB block. The matching level costs one full
   * compression of the content.
   *
   * @throws IOException when the blob cannot be read
   */
  public static Optional<ZstdRecipe> find(Path zstdBlob) throws IOException {
    Optional<Boolean> checksum = readChecksumFlag(zstdBlob);
    if (checksum.isEmpty()) {
      return Optional.empty();
    }

    for (int level : LEVELS) {
      ZstdRecipe recipe = new ZstdRecipe(level, checksum.get());
      if (reproduces(zstdBlob, recipe)) {
        return Optional.of(recipe);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns true when {@code recipe} rebuilds {@code zstdBlob} exactly; false as well when the blob
   * does not decompress.
   *
   * @throws IOException when the blob cannot be read
   */
  public static boolean reproduces(Path zstdBlob, ZstdRecipe recipe) throws IOException {
    try {
      return ReproductionCheck.reproduces(
          zstdBlob, () -> openContent(zstdBlob), recipe::compressor);
    } catch (ZstdException | ZstdIOException notZstd) {
      return false;
    } catch (IOException failure) {
      if (failure.getCause() instanceof ZstdException) {
        return false;
      }
      throw failure;
    }
  }

  /**
   * Reads the frame header descriptor: empty unless the blob starts with a frame as zstd-jni's
   * streaming compressor writes it, otherwise whether the frame carries a checksum. That compressor
   * writes no dictionary id and no content size, except for empty content, which it marks as a
   * single segment of size 0.
   */
  private static Optional<Boolean> readChecksumFlag(Path zstdBlob) throws IOException {
    byte[] start;
    try (InputStream in = Files.newInputStream(zstdBlob)) {
      start = in.readNBytes(6);
    }
    if (start.length < 6 || littleEndianInt(start) != MAGIC) {
      return Optional.empty();
    }

    int descriptor = start[4] & 0xff;
    boolean emptySingleSegment =
        (descriptor & (CONTENT_SIZE_FLAGS | SINGLE_SEGMENT_FLAG)) == SINGLE_SEGMENT_FLAG
            && start[5] == 0;
    boolean streamed = (descriptor & (CONTENT_SIZE_FLAGS | SINGLE_SEGMENT_FLAG)) == 0;
    if ((descriptor & DICTIONARY_ID_FLAGS) != 0 || !(streamed || emptySingleSegment)) {
      return Optional.empty();
    }
    return Optional.of((descriptor & CHECKSUM_FLAG) != 0);
  }

  private static int littleEndianInt(byte[] bytes) {
    return (bytes[0] & 0xff)
        | (bytes[1] & 0xff) << 8
        | (bytes[2] & 0xff) << 16
        | (bytes[3] & 0xff) << 24;
  }

  private static InputStream openContent(Path zstdBlob) throws IOException {
    return new ZstdInputStreamNoFinalizer(
        new BufferedInputStream(Files.newInputStream(zstdBlob), 64 * 1024));
  }

  private static List<Integer> buildLevels() {
    List<Integer> levels = new ArrayList<>(List.of(3, MAX_TRIED_LEVEL));
    for (int level = ZstdRecipe.MIN_LEVEL; level <= MAX_TRIED_LEVEL; level++) {
      if (!levels.contains(level)) {
        levels.add(level);
      }
    }
    return List.copyOf(levels);
  }
}
