package io.slipway.osimage.configure;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.configure.ImageConfigurer.ConfigureResult;
import io.slipway.osimage.image.ImageFormat;
import io.slipway.osimage.image.ProgressListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The files an image command writes: the image, its bmap and its SHA-256, each first as a temporary
 * file {@code NAME.tmp-*} next to the target, then renamed. {@link ImageConfigurer#configureFile}
 * and the image assembler write through it. Not safe for concurrent use.
 */
public final class OutputFiles {

  private static final List<String> COMPRESSION_SUFFIXES = List.of(".zip", ".gz", ".xz", ".zst");

  private final Path target;
  private final String rawName;
  private final List<Path> temporaries = new ArrayList<>();
  private final List<Path> renamed = new ArrayList<>();
  private boolean complete;

  private OutputFiles(Path target, String rawName) {
    this.target = target;
    this.rawName = rawName;
  }

  /** The raw image's SHA-256 and bmap, as the image writer computed them while writing. */
  public interface WrittenImage {

    /** Returns the lower-case hex SHA-256 of the raw image. */
    String sha256();

    /** Returns the raw image's bmap file (bmaptool format 2.0), UTF-8 XML. */
    byte[] bmap();
  }

  /** Writes the image into an existing, empty temporary file. */
  @FunctionalInterface
  public interface ImageFileWriter<R extends WrittenImage> {

    /**
     * Writes the image into {@code temporary} and returns its SHA-256 and bmap.
     *
     * @throws IOException when reading or writing fails
     */
    R write(Path temporary) throws IOException;
  }

  /**
   * Returns the output files for {@code target}: the image {@code target}, and {@code RAW.bmap} and
   * {@code RAW.sha256} next to it, where {@code RAW} is {@link #rawName} of its file name. The
   * caller checks that {@code target} is not one of its inputs.
   */
  public static OutputFiles forTarget(Path target) {
    Path absolute = target.toAbsolutePath().normalize();
    return new OutputFiles(absolute, rawName(absolute.getFileName().toString()));
  }

  /**
   * Returns the output files for {@code target}.
   *
   * @throws OsImageException {@code INVALID_CONFIG} when {@code target} is {@code source}
   */
  static OutputFiles forTarget(Path source, Path target) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    boolean same =
        absolute.equals(source.toAbsolutePath().normalize())
            || (Files.exists(target) && Files.isSameFile(source, target));
    if (same) {
      throw new OsImageException(
          OsImageFailure.INVALID_CONFIG,
          "Output file " + target + " is the base image itself: choose another output file");
    }
    return forTarget(absolute);
  }

  /** Returns the target's name without a compression suffix: the raw image's name. */
  public static String rawName(String targetName) {
    String lower = targetName.toLowerCase(Locale.ROOT);
    for (String suffix : COMPRESSION_SUFFIXES) {
      if (lower.endsWith(suffix) && lower.length() > suffix.length()) {
        return targetName.substring(0, targetName.length() - suffix.length());
      }
    }
    return targetName;
  }

  /** Writes a configured image in {@code format}, with its bmap and SHA-256 files. */
  ConfigureResult write(PreparedSource prepared, ImageFormat format, ProgressListener progress)
      throws IOException {
    return write(
        image -> {
          if (format == ImageFormat.IMG) {
            try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
              return prepared.writeSparse(channel, target.toString(), progress);
            }
          }
          try (OutputStream out = Files.newOutputStream(image)) {
            return prepared.writeTo(out, format, zipEntryName(), target.toString(), progress);
          }
        });
  }

  /**
   * Writes the image with {@code writer}, then the bmap and SHA-256 files ({@code sha256sum}
   * format), and renames them into place, the image last. Existing files are replaced. Call {@link
   * #deleteTemporaries} afterwards, also after a failure.
   *
   * @return what {@code writer} returned
   * @throws IOException when writing or renaming fails
   */
  public <R extends WrittenImage> R write(ImageFileWriter<R> writer) throws IOException {
    Path image = createTemporary(target.getFileName().toString());
    R result = writer.write(image);

    Path bmap = createTemporary(rawName + ".bmap");
    Files.write(bmap, result.bmap());
    Path sha256 = createTemporary(rawName + ".sha256");
    Files.writeString(sha256, result.sha256() + "  " + rawName + "\n", StandardCharsets.UTF_8);

    rename(bmap, target.resolveSibling(rawName + ".bmap"));
    rename(sha256, target.resolveSibling(rawName + ".sha256"));
    rename(image, target);
    complete = true;
    return result;
  }

  /**
   * Deletes every temporary file left, and after a failure also the files already renamed, so that
   * no output of a failed run remains.
   */
  public void deleteTemporaries() throws IOException {
    for (Path file : temporaries) {
      Files.deleteIfExists(file);
    }
    if (!complete) {
      for (Path file : renamed) {
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * Returns the image's name inside a zip: the raw name, which readers look for as {@code .img}.
   */
  private String zipEntryName() {
    return rawName.toLowerCase(Locale.ROOT).endsWith(".img") ? rawName : rawName + ".img";
  }

  /** Creates an empty file {@code NAME.tmp-RANDOM} next to the target, with default permissions. */
  private Path createTemporary(String name) throws IOException {
    while (true) {
      String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
      Path file = target.resolveSibling(name + ".tmp-" + suffix);
      try {
        Files.createFile(file);
        temporaries.add(file);
        return file;
      } catch (FileAlreadyExistsException e) {
        // Another run picked the same name: draw again.
      }
    }
  }

  private void rename(Path temporary, Path destination) throws IOException {
    Files.move(
        temporary,
        destination,
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    temporaries.remove(temporary);
    renamed.add(destination);
  }
}
