package io.slipway.osimage.assemble;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.disk.Partition;
import io.slipway.osimage.fat.FatImageBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Boot files in a directory, from which a new FAT filesystem is made. */
final class BootDirectory implements BootInput {

  private final Path directory;
  private final SortedMap<String, byte[]> files;

  private BootDirectory(Path directory, SortedMap<String, byte[]> files) {
    this.directory = directory;
    this.files = files;
  }

  /**
   * Reads every regular file under {@code directory}, following symbolic links. Empty directories
   * are not kept, since a FAT filesystem is made from files only.
   *
   * @param maxBytes the boot partition's size, which the files' total size may not exceed
   * @throws OsImageException {@code INVALID_INPUT} when the directory is missing or contains two
   *     names that differ only in case, {@code BOOT_PARTITION_FULL} when the files are too large
   */
  static BootDirectory read(Path directory, long maxBytes) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new OsImageException(
          OsImageFailure.INVALID_INPUT,
          "Boot files directory " + directory + " not found: give the directory Yocto deployed");
    }
    List<Path> paths = regularFiles(directory);
    long total = 0;
    for (Path path : paths) {
      total += Files.size(path);
    }
    if (total > maxBytes) {
      throw new OsImageException(
          OsImageFailure.BOOT_PARTITION_FULL,
          "Boot files in "
              + directory
              + " take "
              + total
              + " bytes, more than the boot partition's "
              + maxBytes
              + ": give a larger boot partition size");
    }
    SortedMap<String, byte[]> files = new TreeMap<>();
    Map<String, String> byLowerCase = new TreeMap<>();
    for (Path path : paths) {
      String name = relativeName(directory, path);
      String clash = byLowerCase.put(name.toLowerCase(Locale.ROOT), name);
      if (clash != null) {
        throw new OsImageException(
            OsImageFailure.INVALID_INPUT,
            "Boot files "
                + clash
                + " and "
                + name
                + " in "
                + directory
                + " differ only in case, which FAT cannot hold: remove one");
      }
      files.put(name, Files.readAllBytes(path));
    }
    return new BootDirectory(directory, files);
  }

  private static List<Path> regularFiles(Path directory) throws IOException {
    try (Stream<Path> walk = Files.walk(directory, FileVisitOption.FOLLOW_LINKS)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static String relativeName(Path directory, Path file) {
    StringBuilder name = new StringBuilder();
    for (Path part : directory.relativize(file)) {
      if (!name.isEmpty()) {
        name.append('/');
      }
      name.append(part);
    }
    return name.toString();
  }

  @Override
  public void addTo(InputDigest digest) {
    files.forEach((name, content) -> digest.add("boot file " + name, content));
  }

  @Override
  public long write(
      FileChannel output,
      Partition boot,
      String label,
      int volumeId,
      SortedMap<String, byte[]> extraFiles,
      long modifiedAt)
      throws IOException {
    SortedMap<String, byte[]> merged = merge(extraFiles);
    FatImageBuilder.build(output, boot.offset(), boot.size(), label, volumeId, merged, modifiedAt);
    return boot.size();
  }

  /** Returns the boot files with {@code extraFiles} added, replacing any of the same name. */
  private SortedMap<String, byte[]> merge(SortedMap<String, byte[]> extraFiles) {
    SortedMap<String, byte[]> merged = new TreeMap<>(files);
    for (String extra : extraFiles.keySet()) {
      // FAT names ignore case, so CONFIG.JSON from the build is replaced by config.json.
      merged.keySet().removeIf(name -> name.equalsIgnoreCase(extra));
    }
    merged.putAll(extraFiles);
    return merged;
  }

  @Override
  public String toString() {
    return "boot directory " + directory;
  }
}
