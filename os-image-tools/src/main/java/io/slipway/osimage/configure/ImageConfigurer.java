package io.slipway.osimage.configure;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.disk.BootPartitionFinder;
import io.slipway.osimage.disk.FatLabel;
import io.slipway.osimage.disk.Partition;
import io.slipway.osimage.disk.PartitionTable;
import io.slipway.osimage.disk.PartitionTableReader;
import io.slipway.osimage.fat.BootFiles;
import io.slipway.osimage.image.ImageFormat;
import io.slipway.osimage.image.ImagePatch;
import io.slipway.osimage.image.ImageSources;
import io.slipway.osimage.image.ProgressListener;
import io.slipway.osimage.image.SourceImage;
import io.slipway.osimage.image.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * Turns a base OS image into a configured one in one pass. The partition table and boot partition
 * are read first. From a compressed source, only the start of the image is decompressed for that,
 * and kept in a scratch file. The boot partition's changes are computed as a patch, and the image
 * is then streamed to its output with the patch applied, counting a SHA-256 and building a bmap on
 * the way. Every partition but the boot partition, and the partition table, stay byte-identical.
 *
 * <p>Immutable and thread-safe; each {@link #prepare} call returns its own {@link PreparedImage}.
 */
public final class ImageConfigurer {

  /** Name of a streamed source in messages, when the caller gives none. */
  private static final String STREAM_NAME = "(stream)";

  private static final int MBR_SIZE = 512;

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
   *     being configured; created when missing
   */
  public static ImageConfigurer create(List<String> bootLabels, Path scratchDirectory) {
    return new ImageConfigurer(bootLabels, scratchDirectory);
  }

  /**
   * Reads the base image from {@code source} (.img, .zip, .gz, .xz or .zst, detected by content)
   * and computes the patch that writes {@code files} into its boot partition. {@code source} is
   * called once. The raw size is known in advance only for a zip entry whose local header states
   * it; see {@link #prepare(Path, SortedMap, long)} for files. Names in a zip stream that follow
   * the image are checked when {@link PreparedImage#writeTo} reaches them, which then fails.
   *
   * @param modifiedAt time stamped on the written files, milliseconds since the epoch
   * @throws OsImageException for every problem with the image or the files
   * @throws IOException when reading fails
   */
  public PreparedImage prepare(
      Supplier<InputStream> source, SortedMap<String, byte[]> files, long modifiedAt)
      throws IOException {
    return prepare(source, STREAM_NAME, files, modifiedAt);
  }

  /**
   * Prepares like {@link #prepare(Supplier, SortedMap, long)}, naming the source {@code sourceName}
   * in messages and logs.
   */
  public PreparedImage prepare(
      Supplier<InputStream> source,
      String sourceName,
      SortedMap<String, byte[]> files,
      long modifiedAt)
      throws IOException {
    return prepare(ImageSources.open(source, sourceName, scratchDirectory), files, modifiedAt);
  }

  /**
   * Prepares like {@link #prepare(Supplier, SortedMap, long)} from the stored file {@code source}.
   * A file allows more than a stream. Every zip entry name is checked before anything is written,
   * and the raw size is known in advance for a raw file, a zip entry, an xz file, and a zstd file
   * whose frames state their sizes.
   */
  public PreparedImage prepare(Path source, SortedMap<String, byte[]> files, long modifiedAt)
      throws IOException {
    return prepare(source, source.toString(), files, modifiedAt);
  }

  /**
   * Prepares like {@link #prepare(Path, SortedMap, long)}, naming the file {@code sourceName} in
   * messages and logs instead of its path.
   */
  public PreparedImage prepare(
      Path source, String sourceName, SortedMap<String, byte[]> files, long modifiedAt)
      throws IOException {
    return prepare(ImageSources.open(source, sourceName, scratchDirectory), files, modifiedAt);
  }

  private PreparedSource prepare(
      SourceImage image, SortedMap<String, byte[]> files, long modifiedAt) throws IOException {
    try {
      checkHoldsMasterBootRecord(image);
      PartitionTable table = PartitionTableReader.read(image);
      Partition boot = BootPartitionFinder.find(image, table, bootLabels);
      String bootLabel = labelOf(image, boot);
      ImagePatch patch = BootFiles.write(image, boot, files, modifiedAt);
      checkInside(patch, boot);
      return new PreparedSource(image, boot, bootLabel, patch, modifiedAt);
    } catch (OsImageException e) {
      image.close();
      throw naming(image, e);
    } catch (IOException | RuntimeException e) {
      image.close();
      throw e;
    }
  }

  /**
   * Returns the first boot label, as configured, that equals the GPT name or the FAT volume label
   * of {@code boot}: the label {@link BootPartitionFinder} found it by.
   */
  private String labelOf(SourceImage image, Partition boot) {
    Optional<String> fatLabel = FatLabel.read(image, boot);
    for (String label : bootLabels) {
      if (sameLabel(boot.gptName(), label) || sameLabel(fatLabel, label)) {
        return label;
      }
    }
    // The finder compares the same way, so this is reached only if it changes its rule.
    return boot.gptName().or(() -> fatLabel).orElse("");
  }

  private static boolean sameLabel(Optional<String> name, String label) {
    return name.map(value -> value.strip().equalsIgnoreCase(label.strip())).orElse(false);
  }

  /** Returns {@code e} with the source's name in front of its message, unless it names it. */
  private static OsImageException naming(SourceImage image, OsImageException e) {
    if (e.getMessage().contains(image.name())) {
      return e;
    }
    return new OsImageException(e.failure(), "Image " + image.name() + ": " + e.getMessage(), e);
  }

  /**
   * Configures the image file {@code source} into {@code target} in {@code format}, and writes
   * {@code target}'s raw image bmap next to it ({@code NAME.bmap}) and its SHA-256 ({@code
   * NAME.sha256}, {@code sha256sum} format), where NAME is the target's file name without a
   * trailing {@code .zip}, {@code .gz}, {@code .xz} or {@code .zst}. For {@code fleet.img.xz} these
   * are {@code fleet.img.bmap}, which {@code bmaptool copy fleet.img.xz} finds by itself, and
   * {@code fleet.img.sha256}; the checksum is of the raw image, named {@code fleet.img}. A raw
   * target is written sparse.
   *
   * <p>Files appear only complete: each is written to {@code NAME.tmp-*} in the target's directory
   * and renamed, the image last. On any failure no output file is left behind. The files are not
   * synced to disk.
   *
   * @return the written image's result
   * @throws OsImageException {@code INVALID_CONFIG} when {@code target} is {@code source}, and
   *     every problem with the image or the files
   */
  public ConfigureResult configureFile(
      Path source,
      Path target,
      ImageFormat format,
      SortedMap<String, byte[]> files,
      long modifiedAt,
      ProgressListener progress)
      throws IOException {
    OutputFiles outputs = OutputFiles.forTarget(source, target);
    SourceImage image = ImageSources.open(source, scratchDirectory);
    try (PreparedSource prepared = prepare(image, files, modifiedAt)) {
      return outputs.write(prepared, format, progress);
    } finally {
      outputs.deleteTemporaries();
    }
  }

  /** Rejects an input too short to hold a master boot record, naming the file. */
  private static void checkHoldsMasterBootRecord(SourceImage image) throws IOException {
    int read = image.read(0, ByteBuffer.allocate(MBR_SIZE));
    if (read < MBR_SIZE) {
      throw new OsImageException(
          OsImageFailure.NOT_A_DISK_IMAGE,
          "Image "
              + image.name()
              + " is only "
              + read
              + " bytes long, less than the 512-byte master boot record every disk image starts"
              + " with: use the OS image file itself");
    }
  }

  private static void checkInside(ImagePatch patch, Partition boot) {
    for (ImagePatch.Range range : patch.ranges()) {
      if (range.offset() < boot.offset() || range.end() > boot.end()) {
        throw new IllegalStateException(
            "Patch " + range + " reaches outside boot partition " + boot.number());
      }
    }
  }

  /**
   * A base image whose patch is computed, ready to be written once. Holds a scratch file and the
   * open source stream until closed. Not safe for concurrent use.
   */
  public interface PreparedImage extends AutoCloseable {

    /**
     * Returns the raw image's size in bytes, or -1 while it is unknown: a gzip source, or a stream
     * of anything but a zip whose local header states the size.
     */
    long rawSize();

    /**
     * Returns the label the boot partition was found by: the first of the configured boot labels,
     * as configured, that equals its GPT name or FAT volume label.
     */
    String bootLabel();

    /**
     * Returns the exact number of bytes {@link #writeTo} will write in {@code format}, when it is
     * known in advance ({@link ImageFormat#IMG} whenever {@link #rawSize()} is known), or -1.
     */
    long outputSize(ImageFormat format);

    /**
     * Streams the configured image to {@code out} in {@code format}; {@code out} is not closed. In
     * {@link ImageFormat#IMG_ZIP}, the archive also contains the bmap and SHA-256 entries after the
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
   * The outcome of writing a configured image.
   *
   * @param rawSize the raw image's size in bytes
   * @param sha256 lower-case hex SHA-256 of the raw image
   * @param bmap the raw image's bmap file (bmaptool format 2.0), UTF-8 XML
   * @param bytesWritten bytes written to the output, in its format
   */
  public record ConfigureResult(long rawSize, String sha256, byte[] bmap, long bytesWritten)
      implements OutputFiles.WrittenImage {

    static ConfigureResult of(WriteResult result) {
      return new ConfigureResult(
          result.rawSize(), result.sha256(), result.bmap(), result.bytesWritten());
    }
  }
}
