package io.slipway.cli.os;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.osimage.config.DeviceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An extra file for the boot partition, given as {@code --add FILE=PATH}: {@code FILE} is the path
 * inside the boot partition, such as {@code splash/slipway-logo.png}, and {@code PATH} the local
 * file whose content it gets. Immutable.
 *
 * @param bootPath the path inside the boot partition: relative, '/'-separated, no empty, {@code .}
 *     or {@code ..} segment
 * @param source the local file
 */
record BootFile(String bootPath, Path source) {

  /** Characters a boot partition path segment may use; FAT long names allow more. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._+-]{1,255}");

  BootFile {
    checkBootPath(bootPath);
  }

  /** The boot partition paths Slipway writes itself, which {@code --add} may not replace. */
  static final Set<String> GENERATED = Set.of(DeviceConfig.FILE_NAME, DeviceConfig.WIFI_PROFILE);

  /**
   * Reads the content of every file. Paths are compared ignoring case, as FAT file names are.
   *
   * @return the contents by boot partition path
   * @throws CommandFailedException with {@link ExitCode#USAGE} when a path is given twice, is one
   *     that Slipway writes itself, or a file cannot be read
   */
  static SortedMap<String, byte[]> readAll(List<BootFile> files) {
    SortedMap<String, byte[]> contents = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (BootFile file : files) {
      if (GENERATED.stream().anyMatch(file.bootPath::equalsIgnoreCase)) {
        throw new CommandFailedException(
            "--add "
                + file.bootPath
                + " would replace the file Slipway generates there; choose another path",
            ExitCode.USAGE);
      }
      if (contents.containsKey(file.bootPath)) {
        throw new CommandFailedException(
            "--add names " + file.bootPath + " twice; give each boot partition path once",
            ExitCode.USAGE);
      }
      contents.put(file.bootPath, file.read());
    }
    return contents;
  }

  /**
   * Returns the generated files with the extra files added.
   *
   * @throws IllegalArgumentException when an extra file would replace a generated one, which {@link
   *     #readAll} already rejects
   */
  static SortedMap<String, byte[]> merge(
      Map<String, byte[]> generated, SortedMap<String, byte[]> extras) {
    SortedMap<String, byte[]> files = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    files.putAll(generated);
    for (Map.Entry<String, byte[]> extra : extras.entrySet()) {
      if (files.putIfAbsent(extra.getKey(), extra.getValue()) != null) {
        throw new IllegalArgumentException(
            "--add " + extra.getKey() + " replaces a generated file");
      }
    }
    return files;
  }

  private byte[] read() {
    if (!Files.isRegularFile(source)) {
      throw new CommandFailedException(
          "--add " + bootPath + "=" + source + ": the file does not exist", ExitCode.USAGE);
    }
    try {
      return Files.readAllBytes(source);
    } catch (IOException e) {
      throw new CommandFailedException(
          "--add " + bootPath + "=" + source + ": cannot read it: " + e.getMessage(),
          ExitCode.USAGE);
    }
  }

  private static void checkBootPath(String path) {
    String[] segments = path.split("/", -1);
    for (String segment : segments) {
      if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "Boot partition path '"
                + path
                + "' is invalid: use a relative path of letters, digits, '.', '_', '+' and '-'"
                + " separated by '/', such as splash/logo.png");
      }
    }
  }

  /** Reads {@code FILE=PATH}; a bad value is a usage error of {@code --add}. */
  static final class Converter implements ITypeConverter<BootFile> {
    @Override
    public BootFile convert(String text) {
      int equals = text.indexOf('=');
      if (equals <= 0 || equals == text.length() - 1) {
        throw new TypeConversionException(
            "'" + text + "' is not FILE=PATH; such as splash/logo.png=./logo.png");
      }
      try {
        return new BootFile(text.substring(0, equals), Path.of(text.substring(equals + 1)));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
