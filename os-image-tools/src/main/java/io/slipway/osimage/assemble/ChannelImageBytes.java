package io.slipway.osimage.assemble;

import io.slipway.osimage.image.ImageBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.OptionalLong;

/** The image being assembled, read from its output file. Not safe for concurrent use. */
final class ChannelImageBytes implements ImageBytes {

  private final FileChannel channel;

  ChannelImageBytes(FileChannel channel) {
    this.channel = channel;
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
      return OptionalLong.empty();
    }
  }
}
