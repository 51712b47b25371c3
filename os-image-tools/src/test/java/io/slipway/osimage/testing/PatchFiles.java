package io.slipway.osimage.testing;

import io.slipway.osimage.image.ImagePatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes image patches into files. */
public final class PatchFiles {

  private PatchFiles() {}

  /** Writes every range of {@code patch} at its offset in {@code image}, in place. */
  public static void apply(Path image, ImagePatch patch) throws IOException {
    try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
      for (ImagePatch.Range range : patch.ranges()) {
        ByteBuffer content = ByteBuffer.wrap(range.content());
        long position = range.offset();
        while (content.hasRemaining()) {
          position += channel.write(content, position);
        }
      }
    }
  }
}
