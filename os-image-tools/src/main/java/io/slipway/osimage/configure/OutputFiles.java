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
 * The files {@link ImageConfigurer#configureFile} writes: the image, its bmap and its SHA-256, each
 * first as a temporary file {@code NAME.tmp-*} next to the target, then renamed. Not safe for
 * concurrent use.
 */
final class OutputFiles {

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
    return new OutputFiles(absolute, rawName(absolute.getFileName().toString()));
  }

  /** Returns the target's name without a compression suffix: the raw image's name. */
  static String rawName(String targetName) {
    String lower = targetName.toLowerCase(Locale.ROOT);
    for (String suffix : COMPRESSION_SUFFIXES) {
      if (lower.endsWith(suffix) && lower.length() > suffix.length()) {
        return targetName.substring(0, targetName.length() - suffix.length());
      }
    }
    return targetName;
  }

  /** Writes the image, bmap and SHA-256 files and renames them into place, the image last. */
  ConfigureResult write(PreparedSource prepared, ImageFormat format, ProgressListener progress)
      throws IOException {
    Path image = createTemporary(target.getFileName().toString());
    ConfigureResult result;
    if (format == ImageFormat.IMG) {
      try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
        result = prepared.writeSparse(channel, target.toString(), progress);
      }
    } else {
      try (OutputStream out = Files.newOutputStream(image)) {
        result = prepared.writeTo(out, format, zipEntryName(), target.toString(), progress);
      }
    }

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
  void deleteTemporaries() throws IOException {
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
