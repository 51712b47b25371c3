package io.slipway.osimage.image;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * Learns the decompressed size of a zstd file from its frame headers without decompressing: the
 * frames are walked by their block headers (RFC 8878, section 3.1), and their content sizes are
 * summed. Stateless.
 */
final class ZstdFrames {

  private static final int FRAME_MAGIC = 0xFD2FB528;
  private static final int SKIPPABLE_MAGIC_MASK = 0xFFFFFFF0;
  private static final int SKIPPABLE_MAGIC = 0x184D2A50;

  private ZstdFrames() {}

  /**
   * Returns the sum of the content sizes of every frame in {@code file}, or empty when a frame does
   * not state its size or the file does not end where its last frame ends.
   */
  static OptionalLong contentSize(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return contentSize(channel);
    } catch (EOFException e) {
      // A truncated file: decompressing it reports that with the decompressor's own words.
      return OptionalLong.empty();
    }
  }

  private static OptionalLong contentSize(FileChannel channel) throws IOException {
    {
      long fileSize = channel.size();
      long position = 0;
      long total = 0;
      while (position < fileSize) {
        int magic = readInt(channel, position, 4);
        if ((magic & SKIPPABLE_MAGIC_MASK) == SKIPPABLE_MAGIC) {
          position += 8 + Integer.toUnsignedLong(readInt(channel, position + 4, 4));
          continue;
        }
        if (magic != FRAME_MAGIC) {
          return OptionalLong.empty();
        }
        long[] frame = frame(channel, position + 4);
        if (frame == null) {
          return OptionalLong.empty();
        }
        total += frame[0];
        position = frame[1];
      }
      return position == fileSize ? OptionalLong.of(total) : OptionalLong.empty();
    }
  }

  /** Returns {content size, offset after the frame}, or null when the size is not stated. */
  private static long[] frame(FileChannel channel, long position) throws IOException {
    int descriptor = readInt(channel, position, 1);
    int sizeFlag = descriptor >>> 6;
    boolean singleSegment = (descriptor & 0x20) != 0;
    boolean checksum = (descriptor & 0x04) != 0;
    int dictionaryIdLength = new int[] {0, 1, 2, 4}[descriptor & 3];
    int sizeLength = new int[] {singleSegment ? 1 : 0, 2, 4, 8}[sizeFlag];
    if (sizeLength == 0) {
      return null;
    }
    long sizeAt = position + 1 + (singleSegment ? 0 : 1) + dictionaryIdLength;
    long contentSize = readLong(channel, sizeAt, sizeLength);
    if (sizeLength == 2) {
      contentSize += 256;
    }
    long block = sizeAt + sizeLength;
    while (true) {
      int header = readInt(channel, block, 3);
      int type = (header >>> 1) & 3;
      int size = header >>> 3;
      if (type == 3) {
        return null;
      }
      block += 3 + (type == 1 ? 1 : size);
      if ((header & 1) != 0) {
        break;
      }
    }
    return new long[] {contentSize, block + (checksum ? 4 : 0)};
  }

  private static int readInt(FileChannel channel, long position, int length) throws IOException {
    return (int) readLong(channel, position, length);
  }

  private static long readLong(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    buffer.limit(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new EOFException("zstd frame ends early at offset " + position);
      }
    }
    return buffer.clear().getLong();
  }
}
