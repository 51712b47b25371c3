package io.slipway.osimage.testing;

import io.slipway.osimage.image.ImageBytes;
import io.slipway.osimage.image.ImageSources;
import io.slipway.osimage.image.SourceImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * An image opened through {@link ImageSources} that records how far into it reads went, so tests
 * can check that only the start of an image is read.
 */
public final class RecordedImage implements ImageBytes, AutoCloseable {

  private final SourceImage source;
  private long readEnd;

  private RecordedImage(SourceImage source) {
    this.source = source;
  }

  /** Opens {@code image}, raw or compressed; scratch files go next to it. */
  public static RecordedImage open(Path image) throws IOException {
    return new RecordedImage(ImageSources.open(image, image.toAbsolutePath().getParent()));
  }

  @Override
  public int read(long offset, ByteBuffer target) throws IOException {
    int read = source.read(offset, target);
    readEnd = Math.max(readEnd, offset + Math.max(read, 0));
    return read;
  }

  @Override
  public OptionalLong knownSize() {
    return source.knownSize();
  }

  /** Returns the offset just past the furthest byte read so far, 0 before any read. */
  public long readEnd() {
    return readEnd;
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
