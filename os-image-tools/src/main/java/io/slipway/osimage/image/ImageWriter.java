package io.slipway.osimage.image;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.bmap.BmapBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.OptionalLong;

/**
 * Streams a source image once to its output with a patch applied, counting the raw image's SHA-256
 * and building its bmap on the way. The raw image is read in 512 KiB chunks. A second thread hashes
 * each chunk while the calling thread finds the zero blocks and writes. Stateless, thread-safe:
 * each call uses its own buffers and hashing thread.
 */
public final class ImageWriter {

  /**
   * Bytes read and written at once; a multiple of the bmap block size. A chunk this small stays in
   * a core's cache while it is zero-checked, hashed and written, which took less CPU time than 4
   * MiB chunks (docs/os-images.md, Throughput).
   */
  static final int CHUNK = 512 << 10;

  private ImageWriter() {}

  /**
   * Writes the patched raw image of {@code source} to {@code out} in {@code format}; {@code out} is
   * not closed. Reads {@link SourceImage#rawStream()}, so this is possible once per source.
   *
   * @param imageName the raw image's entry name inside a zip, such as {@code fleet-v6.1.img}
   * @param entryTime the zip entries' time, milliseconds since the epoch
   * @throws OsImageException {@code CORRUPT_ARCHIVE} when the source turns out damaged, and the zip
   *     source's errors for entries after the image
   */
  public static WriteResult write(
      SourceImage source,
      ImagePatch patch,
      OutputStream out,
      ImageFormat format,
      String imageName,
      long entryTime,
      ProgressListener progress)
      throws IOException {
    RawSink sink = OutputSinks.forStream(out, format, imageName, entryTime, source.knownSize());
    return write(source, patch, sink, progress);
  }

  /**
   * Writes the patched raw image of {@code source} into {@code file}, which must be empty: all-zero
   * blocks are skipped, so the file is sparse where the filesystem allows it.
   */
  public static WriteResult writeSparse(
      SourceImage source, ImagePatch patch, FileChannel file, ProgressListener progress)
      throws IOException {
    return write(source, patch, new SparseFileSink(file), progress);
  }

  private static WriteResult write(
      SourceImage source, ImagePatch patch, RawSink sink, ProgressListener progress)
      throws IOException {
    long total = source.knownSize().orElse(-1);
    BmapBuilder bmap = new BmapBuilder();
    PatchCursor patches = new PatchCursor(patch.ranges());
    try (InputStream raw = source.rawStream();
        BackgroundSha256 sha256 = new BackgroundSha256(CHUNK)) {
      long position = 0;
      while (true) {
        byte[] buffer = sha256.takeBuffer();
        int read = raw.readNBytes(buffer, 0, CHUNK);
        patches.apply(position, buffer, read);
        sha256.hash(buffer, read);
        writeBlocks(buffer, read, bmap, sink);
        position += read;
        progress.progress(position, total);
        if (read < CHUNK) {
          break;
        }
      }
      checkSize(source, position);
      patches.checkAllApplied(position);
      String digest = sha256.digest();
      byte[] bmapFile = bmap.build();
      long written = sink.finish(position, digest, bmapFile);
      return new WriteResult(position, digest, bmapFile, written);
    }
  }

  /** Hands runs of zero and non-zero blocks to the bmap and the sink. */
  private static void writeBlocks(byte[] buffer, int length, BmapBuilder bmap, RawSink sink)
      throws IOException {
    int start = 0;
    while (start < length) {
      boolean zero = isZeroBlock(buffer, start, length);
      int end = start + Math.min(BmapBuilder.BLOCK_SIZE, length - start);
      while (end < length && isZeroBlock(buffer, end, length) == zero) {
        end += Math.min(BmapBuilder.BLOCK_SIZE, length - end);
      }
      if (zero) {
        bmap.unmapped(end - start);
      } else {
        bmap.mapped(buffer, start, end - start);
      }
      sink.write(buffer, start, end - start, zero);
      start = end;
    }
  }

  private static boolean isZeroBlock(byte[] buffer, int start, int length) {
    return BmapBuilder.isZero(buffer, start, Math.min(BmapBuilder.BLOCK_SIZE, length - start));
  }

  private static void checkSize(SourceImage source, long size) {
    OptionalLong known = source.knownSize();
    if (known.isPresent() && known.getAsLong() != size) {
      throw new OsImageException(
          OsImageFailure.CORRUPT_ARCHIVE,
          "Image "
              + source.name()
              + " holds "
              + size
              + " bytes, but its header states "
              + known.getAsLong()
              + ": upload or download it again and compare its SHA-256 with the published one");
    }
  }

  /** Applies the patch's ranges to consecutive chunks. */
  private static final class PatchCursor {

    private final List<ImagePatch.Range> ranges;
    private int next;

    PatchCursor(List<ImagePatch.Range> ranges) {
      this.ranges = ranges;
    }

    void apply(long chunkStart, byte[] buffer, int length) {
      long chunkEnd = chunkStart + length;
      while (next < ranges.size() && ranges.get(next).offset() < chunkEnd) {
        ImagePatch.Range range = ranges.get(next);
        long from = Math.max(range.offset(), chunkStart);
        long to = Math.min(range.end(), chunkEnd);
        System.arraycopy(
            range.content(),
            (int) (from - range.offset()),
            buffer,
            (int) (from - chunkStart),
            (int) (to - from));
        if (range.end() > chunkEnd) {
          return;
        }
        next++;
      }
    }

    void checkAllApplied(long size) {
      if (next < ranges.size()) {
        throw new IllegalStateException(
            "Patch range " + ranges.get(next) + " ends past the image's end at " + size);
      }
    }
  }
}
