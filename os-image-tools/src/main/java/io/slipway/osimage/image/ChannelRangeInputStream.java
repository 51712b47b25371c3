package io.slipway.osimage.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a byte range of a file channel with positional reads. Closing the stream leaves the channel
 * open, because its owner still needs it. Not safe for concurrent use.
 */
final class ChannelRangeInputStream extends InputStream {

  private final FileChannel channel;
  private final long end;
  private long position;

  ChannelRangeInputStream(FileChannel channel, long start, long end) {
    this.channel = channel;
    this.position = start;
    this.end = end;
  }

  @Override
  public int read() throws IOException {
    byte[] single = new byte[1];
    return read(single, 0, 1) < 0 ? -1 : single[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (position >= end) {
      return -1;
    }
    int limited = (int) Math.min(length, end - position);
    int read = channel.read(ByteBuffer.wrap(buffer, offset, limited), position);
    if (read < 0) {
      return -1;
    }
    position += read;
    return read;
  }

  @Override
  public long skip(long count) {
    long skipped = Math.max(0, Math.min(count, end - position));
    position += skipped;
    return skipped;
  }
}
