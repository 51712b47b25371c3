package io.slipway.cli.os;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.configure.OutputFiles;
import io.slipway.osimage.image.ImageFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The output of an OS image command: the image file, its format, and the bmap and SHA-256 files
 * written next to it. Immutable.
 *
 * @param image the image file
 * @param format the image's format
 */
record OutputImage(Path image, ImageFormat format) {

  /**
   * Returns the output of {@code os configure}: {@code output} when given, else {@code
   * NAME-configured.EXTENSION} next to {@code input}. The format is {@code format} when given, else
   * the one {@code output}'s name ends with, else the input's, else raw.
   *
   * @throws CommandFailedException with {@link ExitCode#USAGE} when {@code format} contradicts the
   *     name of {@code output}
   */
  static OutputImage forConfigure(Path input, Path output, ImageFormat format) {
    Optional<ImageFormat> named = output == null ? Optional.empty() : formatOf(output);
    if (format != null && named.isPresent() && named.get() != format) {
      throw new CommandFailedException(
          "--output "
              + output
              + " ends in ."
              + named.get().extension()
              + " but --format is "
              + format.extension()
              + "; make them agree",
          ExitCode.USAGE);
    }
    ImageFormat chosen =
        Optional.ofNullable(format)
            .or(() -> named)
            .or(() -> formatOf(input))
            .orElse(ImageFormat.IMG);
    if (output != null) {
      return new OutputImage(output.toAbsolutePath(), chosen);
    }
    String name = baseName(input.getFileName().toString()) + "-configured." + chosen.extension();
    return new OutputImage(input.toAbsolutePath().resolveSibling(name), chosen);
  }

  /**
   * Returns the format a file name ends with, such as {@link ImageFormat#IMG_XZ} for {@code
   * base.img.xz}, or empty when it ends with none.
   */
  static Optional<ImageFormat> formatOf(Path file) {
    try {
      return Optional.of(ImageFormat.fromName(file.getFileName().toString()));
    } catch (OsImageException e) {
      return Optional.empty();
    }
  }

  /** Returns the raw image's bmap file. */
  Path bmap() {
    return image.resolveSibling(rawName() + ".bmap");
  }

  /** Returns the file holding the raw image's SHA-256, in {@code sha256sum} format. */
  Path sha256() {
    return image.resolveSibling(rawName() + ".sha256");
  }

  /**
   * Creates and deletes an empty file in {@code directory}, because permission bits do not tell for
   * root or a read-only mount, and a later failure would waste the provisioning key.
   */
  private void requireCreatable(Path directory) {
    try {
      Files.delete(Files.createTempFile(directory, ".slipway-write-check-", ".tmp"));
    } catch (IOException e) {
      throw new CommandFailedException(
          "Output "
              + image
              + ": cannot create files in the directory "
              + directory
              + "; choose an --output in a directory you can write to",
          ExitCode.USAGE);
    }
  }

  /** Prints the paths of the bmap and SHA-256 files, one a line, for a command's report. */
  void printSideFiles(PrintWriter out) {
    out.println("bmap:    " + bmap());
    out.println("SHA-256: " + sha256());
  }

  /** Returns every file the command writes: the image, then its bmap and SHA-256 files. */
  List<Path> files() {
    return List.of(image, bmap(), sha256());
  }

  /**
   * Checks that the image can be written without harm: its directory exists, it is not {@code
   * input} and, unless {@code force}, none of the files {@code written} exists.
   *
   * @param input the file read, never overwritten; null when the image comes from a server
   * @param written the files the command writes, such as {@link #files()}
   * @throws CommandFailedException with {@link ExitCode#USAGE} naming the file and the fix
   */
  void requireWritable(Path input, boolean force, List<Path> written) {
    Path directory = image.getParent();
    if (directory == null || !Files.exists(directory)) {
      throw new CommandFailedException(
          "Output " + image + ": the directory " + directory + " does not exist", ExitCode.USAGE);
    }
    if (!Files.isDirectory(directory)) {
      throw new CommandFailedException(
          "Output " + image + ": " + directory + " is not a directory; choose another --output",
          ExitCode.USAGE);
    }
    requireCreatable(directory);
    if (Files.isDirectory(image)) {
      throw new CommandFailedException(
          "Output " + image + " is a directory; name a file inside it with --output",
          ExitCode.USAGE);
    }
    if (input != null && sameFile(input, image)) {
      throw new CommandFailedException(
          "Output " + image + " is the input image; choose another --output", ExitCode.USAGE);
    }
    if (force) {
      return;
    }
    List<Path> existing = new ArrayList<>();
    for (Path file : written) {
      if (Files.exists(file)) {
        existing.add(file);
      }
    }
    if (!existing.isEmpty()) {
      throw new CommandFailedException(
          "Output "
              + existing.get(0)
              + " already exists; pass --force to replace it, or choose another --output",
          ExitCode.USAGE);
    }
  }

  /** Returns the name without the format's extension, such as {@code base} for base.img.xz. */
  static String baseName(String fileName) {
    Optional<ImageFormat> format = formatOf(Path.of(fileName));
    if (format.isPresent()) {
      return fileName.substring(0, fileName.length() - format.get().extension().length() - 1);
    }
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }

  /** Returns the raw image's file name: the image's name without a compression or zip suffix. */
  private String rawName() {
    return OutputFiles.rawName(image.getFileName().toString());
  }

  private static boolean sameFile(Path input, Path output) {
    if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
      return true;
    }
    try {
      return Files.exists(output) && Files.isSameFile(input, output);
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads {@code --format}; an unknown format is a usage error of the option. */
  static final class FormatConverter implements ITypeConverter<ImageFormat> {
    @Override
    public ImageFormat convert(String text) {
      try {
        return ImageFormat.fromName(text);
      } catch (OsImageException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
