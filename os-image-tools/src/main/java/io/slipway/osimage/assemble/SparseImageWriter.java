package io.slipway.osimage.assemble;

import io.slipway.osimage.bmap.BmapBuilder;
import io.slipway.osimage.image.ProgressListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes an image made of segments over zeros in one pass from its first byte to its last,
 * computing its SHA-256 and bmap on the way. Blocks of 4 KiB that are all zeros are not written, so
 * the output file stays sparse on filesystems that support holes. The caller sets the file's length
 * first. Not safe for concurrent use.
 */
final class SparseImageWriter {

  private static final int CHUNK_SIZE = 1 << 20;
  private static final int BLOCK_SIZE = BmapBuilder.BLOCK_SIZE;
  private static final byte[] ZEROS = new byte[CHUNK_SIZE];

  private final FileChannel output;
  private final long size;
  private final ProgressListener progress;
  private final byte[] chunk = new byte[CHUNK_SIZE];
  private final MessageDigest sha256 = StableIds.sha256();
  private final BmapBuilder bmap;

  /**
   * @param output the file to write into, at least {@code size} bytes long and all zeros where no
   *     segment is
   * @param size the image's size in bytes
   */
  SparseImageWriter(FileChannel output, long size, ProgressListener progress) {
    this.output = output;
    this.size = size;
    this.progress = progress;
    this.bmap = new BmapBuilder();
  }

  /**
   * Writes the segments, which must not overlap, and returns the image's SHA-256 and bmap.
   *
   * @throws IllegalArgumentException when segments overlap or reach past the image's end
   */
  Written write(List<ImageSegment> unordered) throws IOException {
    List<ImageSegment> segments =
        unordered.stream().sorted(Comparator.comparingLong(ImageSegment::offset)).toList();
    checkDisjoint(segments);

    int next = 0;
    for (long position = 0; position < size; position += CHUNK_SIZE) {
      int length = (int) Math.min(CHUNK_SIZE, size - position);
      while (next < segments.size() && segments.get(next).end() <= position) {
        next++;
      }
      boolean empty = next == segments.size() || segments.get(next).offset() >= position + length;
      if (empty) {
        sha256.update(ZEROS, 0, length);
        bmap.unmapped(length);
      } else {
        fill(segments, next, position, length);
        writeBlocks(position, length);
        sha256.update(chunk, 0, length);
      }
      progress.progress(position + length, size);
    }
    return new Written(HexFormat.of().formatHex(sha256.digest()), bmap.build());
  }

  private void checkDisjoint(List<ImageSegment> segments) {
    long previousEnd = 0;
    for (ImageSegment segment : segments) {
      if (segment.offset() < previousEnd || segment.end() > size) {
        throw new IllegalArgumentException(
            "Segment at " + segment.offset() + " overlaps another or passes the image end " + size);
      }
      previousEnd = segment.end();
    }
  }

  private void fill(List<ImageSegment> segments, int first, long position, int length)
      throws IOException {
    Arrays.fill(chunk, 0, length, (byte) 0);
    long chunkEnd = position + length;
    for (int index = first; index < segments.size(); index++) {
      ImageSegment segment = segments.get(index);
      if (segment.offset() >= chunkEnd) {
        break;
      }
      long from = Math.max(position, segment.offset());
      long to = Math.min(chunkEnd, segment.end());
      segment.read(from, ByteBuffer.wrap(chunk, (int) (from - position), (int) (to - from)));
    }
  }

  /** Writes each run of blocks that are not all zeros, and adds every block to the bmap. */
  private void writeBlocks(long position, int length) throws IOException {
    int runStart = -1;
    for (int start = 0; start < length; start += BLOCK_SIZE) {
      int blockLength = Math.min(BLOCK_SIZE, length - start);
      boolean zero = BmapBuilder.isZero(chunk, start, blockLength);
      if (!zero && runStart < 0) {
        runStart = start;
      } else if (zero && runStart >= 0) {
        writeRun(position, runStart, start);
        runStart = -1;
      }
      if (zero) {
        bmap.unmapped(blockLength);
      }
    }
    if (runStart >= 0) {
      writeRun(position, runStart, length);
    }
  }

  /** Writes the mapped run {@code from} to {@code to} of the chunk and adds it to the bmap. */
  private void writeRun(long position, int from, int to) throws IOException {
    bmap.mapped(chunk, from, to - from);
    writeFully(position, from, to);
  }

  private void writeFully(long position, int from, int to) throws IOException {
    ByteBuffer run = ByteBuffer.wrap(chunk, from, to - from);
    while (run.hasRemaining()) {
      output.write(run, position + run.position());
    }
  }

  /**
   * The SHA-256 and bmap of a written image.
   *
   * @param sha256 lower-case hex SHA-256 of the image
   * @param bmap the image's bmap file, UTF-8 XML
   */
  record Written(String sha256, byte[] bmap) {}
}
