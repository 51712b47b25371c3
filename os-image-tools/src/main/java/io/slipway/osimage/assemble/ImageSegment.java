package io.slipway.osimage.assemble;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A run of an assembled image's bytes that are not all zeros, and where to read them. */
sealed interface ImageSegment {

  /** Returns the segment's first byte offset in the image. */
  long offset();

  /** Returns its length in bytes. */
  long length();

  /** Returns the offset just past its last byte. */
  default long end() {
    return offset() + length();
  }

  /**
   * Fills {@code target} with the segment's bytes from image offset {@code from}; the caller keeps
   * the range inside the segment.
   */
  void read(long from, ByteBuffer target) throws IOException;

  /** Bytes held in memory: partition tables and filesystem metadata. */
  record Bytes(long offset, byte[] content) implements ImageSegment {

    @Override
    public long length() {
      return content.length;
    }

    @Override
    public void read(long from, ByteBuffer target) {
      target.put(content, (int) (from - offset), target.remaining());
    }
  }

  /** Bytes of a file: the root filesystem image, or the boot filesystem already in the output. */
  record FileRegion(long offset, long length, FileChannel source, long sourceOffset)
      implements ImageSegment {

    @Override
    public void read(long from, ByteBuffer target) throws IOException {
      long position = sourceOffset + (from - offset);
      while (target.hasRemaining()) {
        int read = source.read(target, position);
        if (read < 0) {
          throw new IOException("File ended at byte " + position + ", before the expected length");
        }
        position += read;
      }
    }
  }
}
