package io.slipway.osimage.fat;

import io.slipway.osimage.image.ImageBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/** A raw image file read in place, for tests. */
final class FileImageBytes implements ImageBytes, AutoCloseable {

  private final FileChannel channel;

  FileImageBytes(Path file) throws IOException {
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
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
    return total;
  }

  @Override
  public OptionalLong knownSize() {
    try {
      return OptionalLong.of(channel.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
