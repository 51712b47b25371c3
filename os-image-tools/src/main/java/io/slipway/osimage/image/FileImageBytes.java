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
public final class FileImageBytes extends SourceImage {

  private final FileChannel channel;
  private final long size;
  private final boolean ownsChannel;

  private FileImageBytes(String name, FileChannel channel, long size, boolean ownsChannel) {
    super(name);
    this.channel = channel;
    this.size = size;
    this.ownsChannel = ownsChannel;
  }

  /** Opens {@code file} for reading; {@link #close} closes it. */
  public static FileImageBytes open(Path file) throws IOException {
    return open(file, file.toString());
  }

  /**
   * Opens {@code file} for reading like {@link #open(Path)}, naming it {@code name} in messages.
   */
  public static FileImageBytes open(Path file, String name) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return new FileImageBytes(name, channel, channel.size(), true);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Returns a reader of the open {@code channel}, such as an image being written, up to its size
   * now. {@link #close} leaves the channel open.
   *
   * @param name the file's name for messages
   */
  public static FileImageBytes of(FileChannel channel, String name) throws IOException {
    return new FileImageBytes(name, channel, channel.size(), false);
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
    if (ownsChannel) {
      channel.close();
    }
  }
}
