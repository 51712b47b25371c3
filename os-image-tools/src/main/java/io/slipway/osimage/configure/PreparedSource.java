package io.slipway.osimage.configure;

import io.slipway.osimage.configure.ImageConfigurer.ConfigureResult;
import io.slipway.osimage.configure.ImageConfigurer.PreparedImage;
import io.slipway.osimage.disk.Partition;
import io.slipway.osimage.image.ImageFormat;
import io.slipway.osimage.image.ImagePatch;
import io.slipway.osimage.image.ImageWriter;
import io.slipway.osimage.image.ProgressListener;
import io.slipway.osimage.image.SourceImage;
import io.slipway.osimage.image.WriteResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A source image with its boot partition's patch, written once. Not safe for concurrent use. */
final class PreparedSource implements PreparedImage {

  private static final Logger log = LoggerFactory.getLogger(PreparedSource.class);

  private final SourceImage image;
  private final Partition boot;
  private final String bootLabel;
  private final ImagePatch patch;
  private final long entryTime;
  private boolean written;

  PreparedSource(
      SourceImage image, Partition boot, String bootLabel, ImagePatch patch, long entryTime) {
    this.image = image;
    this.boot = boot;
    this.bootLabel = bootLabel;
    this.patch = patch;
    this.entryTime = entryTime;
  }

  @Override
  public long rawSize() {
    return image.knownSize().orElse(-1);
  }

  @Override
  public String bootLabel() {
    return bootLabel;
  }

  @Override
  public long outputSize(ImageFormat format) {
    return format == ImageFormat.IMG ? rawSize() : -1;
  }

  @Override
  public ConfigureResult writeTo(
      OutputStream out, ImageFormat format, String imageName, ProgressListener progress)
      throws IOException {
    return writeTo(out, format, imageName, "a stream", progress);
  }

  /**
   * Writes like {@link #writeTo(OutputStream, ImageFormat, String, ProgressListener)}.
   *
   * @param destination what {@code out} writes to, for the log
   */
  ConfigureResult writeTo(
      OutputStream out,
      ImageFormat format,
      String imageName,
      String destination,
      ProgressListener progress)
      throws IOException {
    startWriting();
    WriteResult result =
        ImageWriter.write(image, patch, out, format, imageName, entryTime, progress);
    return logged(result, format, destination);
  }

  /**
   * Writes the raw image into the empty file {@code file}, leaving all-zero blocks as holes.
   *
   * @param fileName the file's name for the log
   */
  ConfigureResult writeSparse(FileChannel file, String fileName, ProgressListener progress)
      throws IOException {
    startWriting();
    WriteResult result = ImageWriter.writeSparse(image, patch, file, progress);
    return logged(result, ImageFormat.IMG, fileName);
  }

  private void startWriting() {
    if (written) {
      throw new IllegalStateException("Image " + image.name() + " was already written once");
    }
    written = true;
  }

  private ConfigureResult logged(WriteResult result, ImageFormat format, String destination) {
    log.info(
        "Configured image {} (boot partition {}, {} bytes patched) into {} as {}: raw size {}"
            + " bytes, {} bytes written, sha256 {}",
        image.name(),
        boot.number(),
        patch.patchedBytes(),
        destination,
        format.extension(),
        result.rawSize(),
        result.bytesWritten(),
        result.sha256());
    return ConfigureResult.of(result);
  }

  @Override
  public void close() throws IOException {
    image.close();
  }
}
