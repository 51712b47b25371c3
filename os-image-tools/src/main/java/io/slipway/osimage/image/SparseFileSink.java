package io.slipway.osimage.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes the raw image into a new, empty file, skipping all-zero runs by position so that they stay
 * holes, and sets the file's length at the end. Not safe for concurrent use.
 */
final class SparseFileSink implements RawSink {

  private final FileChannel channel;
  private long position;

  SparseFileSink(FileChannel channel) {
    this.channel = channel;
  }

  @Override
  public void write(byte[] buffer, int offset, int length, boolean zero) throws IOException {
    if (!zero) {
      ByteBuffer bytes = ByteBuffer.wrap(buffer, offset, length);
      long at = position;
      while (bytes.hasRemaining()) {
        at += channel.write(bytes, at);
      }
    }
    position += length;
  }

  @Override
  public long finish(long rawSize, String sha256, byte[] bmap) throws IOException {
    if (channel.size() < rawSize) {
      // A file ending in a hole gets its length from one zero byte written at its last offset.
      channel.write(ByteBuffer.wrap(new byte[1]), rawSize - 1);
    }
    return rawSize;
  }
}
