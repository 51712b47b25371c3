package io.slipway.osimage.configure;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.image.ImageFormat;
import io.slipway.osimage.image.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * Turns a base OS image into a configured one in one pass: the partition table and boot partition
 * are read first (from a compressed source, only the start of the image is decompressed and kept in
 * a scratch file), the boot partition's changes are computed as a patch, and the image is then
 * streamed to its output with the patch applied, counting a SHA-256 and building a bmap on the way.
 * Every partition but the boot partition, and the partition table, stay byte-identical.
 *
 * <p>Immutable and thread-safe; each {@link #prepare} call returns its own {@link PreparedImage}.
 */
public final class ImageConfigurer {

  private final List<String> bootLabels;
  private final Path scratchDirectory;

  private ImageConfigurer(List<String> bootLabels, Path scratchDirectory) {
    this.bootLabels = List.copyOf(bootLabels);
    this.scratchDirectory = scratchDirectory;
  }

  /**
   * Returns a configurer.
   *
   * @param bootLabels the boot partition's GPT names or FAT labels, in order of preference
   * @param scratchDirectory where the decompressed start of a compressed image is kept while it is
   *     being configured
   */
  public static ImageConfigurer create(List<String> bootLabels, Path scratchDirectory) {
    return new ImageConfigurer(bootLabels, scratchDirectory);
  }

  /**
   * Reads the base image from {@code source}, which must open a new stream of the stored file on
   * each call (.img, .zip, .gz, .xz or .zst, told apart by content), and computes the patch that
   * writes {@code files} into its boot partition.
   *
   * @param modifiedAt time stamped on the written files, milliseconds since the epoch
   * @throws OsImageException for every problem with the image or the files
   * @throws IOException when reading fails
   */
  public PreparedImage prepare(
      Supplier<InputStream> source, SortedMap<String, byte[]> files, long modifiedAt)
      throws IOException {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /**
   * Configures the image file {@code source} into {@code target} in {@code format}, and writes
   * {@code target}'s raw image bmap next to it ({@code NAME.bmap}, name without the compression
   * extension) and its SHA-256 ({@code NAME.sha256}, {@code sha256sum} format). Files appear only
   * complete: on any failure no output file is left behind.
   *
   * @return the written image's result
   */
  public ConfigureResult configureFile(
      Path source,
      Path target,
      ImageFormat format,
      SortedMap<String, byte[]> files,
      long modifiedAt,
      ProgressListener progress)
      throws IOException {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /**
   * A base image whose patch is computed, ready to be written once. Holds a scratch file and the
   * open source stream until closed. Not safe for concurrent use.
   */
  public interface PreparedImage extends AutoCloseable {

    /** Returns the raw image's size in bytes. */
    long rawSize();

    /**
     * Returns the exact number of bytes {@link #writeTo} will write in {@code format}, when it is
     * known in advance ({@link ImageFormat#IMG} always), or -1.
     */
    long outputSize(ImageFormat format);

    /**
     * Streams the configured image to {@code out} in {@code format}; {@code out} is not closed. In
     * {@link ImageFormat#IMG_ZIP}, the archive also holds the bmap and SHA-256 entries after the
     * image.
     *
     * @param imageName the raw image's file name inside a zip, such as {@code fleet-v6.1.img}
     * @throws IllegalStateException when called a second time
     */
    ConfigureResult writeTo(
        OutputStream out, ImageFormat format, String imageName, ProgressListener progress)
        throws IOException;

    @Override
    void close() throws IOException;
  }

  /**
   * What writing a configured image produced.
   *
   * @param rawSize the raw image's size in bytes
   * @param sha256 lower-case hex SHA-256 of the raw image
   * @param bmap the raw image's bmap file (bmaptool format 2.0), UTF-8 XML
   * @param bytesWritten bytes written to the output, in its format
   */
  public record ConfigureResult(long rawSize, String sha256, byte[] bmap, long bytesWritten) {}
}
