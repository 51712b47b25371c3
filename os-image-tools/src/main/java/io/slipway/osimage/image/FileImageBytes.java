package io.slipway.osimage.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * A raw image file read in place with positional reads: no scratch file. Not safe for concurrent
 * use.
 */
final class FileImageBytes extends SourceImage {

  private final FileChannel channel;
  private final long size;

  private FileImageBytes(Path file, FileChannel channel, long size) {
    super(file.toString());
    this.channel = channel;
    this.size = size;
  }

  /** Opens {@code file} for reading. */
  static FileImageBytes open(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return new FileImageBytes(file, channel, channel.size());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public int read(long offset, ByteBuffer target) throws IOException {
    int total = 0;
    while (target.hasRemaining() && offset + total < size) {
      int read = channel.read(target, offset + total);
      if (read < 0) {
        break;
      }
      total += read;
    }
    return total;
  }

  @Override
  public OptionalLong knownSize() {
    return OptionalLong.of(size);
  }

  @Override
  InputStream openRawStream() throws IOException {
    return new ChannelRangeInputStream(channel, 0, size);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
