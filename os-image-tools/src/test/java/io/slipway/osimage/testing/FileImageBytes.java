package io.slipway.osimage.testing;

import io.slipway.osimage.image.ImageBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * {@link ImageBytes} over a raw image file, for tests that need no compressed source. Reads at
 * positions of a {@link FileChannel}; the size is the file's size when opened.
 */
public final class FileImageBytes implements ImageBytes, AutoCloseable {

  private final FileChannel channel;
  private final long size;
  private long highestOffsetRead = -1;

  private FileImageBytes(FileChannel channel) throws IOException {
    this.channel = channel;
    this.size = channel.size();
  }

  /** Opens {@code image} for reading. */
  public static FileImageBytes open(Path image) {
    try {
      return new FileImageBytes(FileChannel.open(image, StandardOpenOption.READ));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public int read(long offset, ByteBuffer target) throws IOException {
    int total = 0;
    while (target.hasRemaining()) {
      int read = channel.read(target, offset + total);
      if (read < 0) {
        break;
      }
      total += read;
    }
    highestOffsetRead = Math.max(highestOffsetRead, offset + total - 1);
    return total;
  }

  @Override
  public OptionalLong knownSize() {
    return OptionalLong.of(size);
  }

  /** Returns the highest byte offset read so far, or -1 before the first read. */
  public long highestOffsetRead() {
    return highestOffsetRead;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
