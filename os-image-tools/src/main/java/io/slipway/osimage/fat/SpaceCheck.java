package io.slipway.osimage.fat;

import de.waldheinz.fs.fat.FatType;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks, before anything is written, that files fit into a FAT filesystem. The clusters of their
 * content and of new directories must fit into the free clusters plus those of replaced files. New
 * names must fit into the fixed FAT12/16 root directory. Also rejects a path that needs a directory
 * where a file is, or the other way round. Not safe for concurrent use.
 */
final class SpaceCheck {

  /**
   * Names that fat32-lib stores as a bare 8.3 entry; every other name also takes long-name slots.
   */
  private static final Pattern SHORT_NAME =
      Pattern.compile("[A-Z0-9_^$~!#%&{}()@'`-]{1,8}(\\.[A-Z0-9_^$~!#%&{}()@'`-]{1,3})?");

  private final DirectoryReader directories;
  private final FatGeometry geometry;
  private final String name;

  SpaceCheck(DirectoryReader directories, FatGeometry geometry, String name) {
    this.directories = directories;
    this.geometry = geometry;
    this.name = name;
  }

  /**
   * Checks that {@code files} fit.
   *
   * @param freeClusters the free clusters of the FAT before writing
   * @throws OsImageException {@code BOOT_PARTITION_FULL} when they do not, {@code INVALID_CONFIG}
   *     when a path needs a directory where a file is, or the other way round
   */
  void check(Map<BootPath, byte[]> files, long freeClusters) throws IOException {
    long neededClusters = 0;
    long freedClusters = 0;
    Set<String> newDirectories = new HashSet<>();
    Map<String, Integer> newRootSlots = new HashMap<>();

    for (Map.Entry<BootPath, byte[]> file : files.entrySet()) {
      BootPath path = file.getKey();
      Optional<DirectoryReader.Entry> existing = existingFile(path, newDirectories);
      neededClusters += clusters(file.getValue().length);
      if (existing.isPresent()) {
        freedClusters += clusters(existing.get().length());
      } else if (path.parents().isEmpty()) {
        newRootSlots.put(path.fileName().toLowerCase(Locale.ROOT), slots(path.fileName()));
      }
    }
    for (String directory : newDirectories) {
      neededClusters++;
      if (!directory.contains("/")) {
        newRootSlots.put(directory, slots(directory));
      }
    }

    checkClusters(neededClusters, freeClusters + freedClusters);
    if (geometry.type() != FatType.FAT32) {
      checkRootDirectory(newRootSlots.values().stream().mapToInt(Integer::intValue).sum());
    }
  }

  /**
   * Returns the file's existing entry, if any, and adds the directories that writing it creates to
   * {@code newDirectories} (as lower-case paths).
   */
  private Optional<DirectoryReader.Entry> existingFile(BootPath path, Set<String> newDirectories)
      throws IOException {
    long cluster = 0;
    List<String> parents = path.parents();
    for (int depth = 0; depth < parents.size(); depth++) {
      Optional<DirectoryReader.Entry> directory = directories.find(cluster, parents.get(depth));
      if (directory.isEmpty()) {
        for (int created = depth; created < parents.size(); created++) {
          newDirectories.add(
              String.join("/", parents.subList(0, created + 1)).toLowerCase(Locale.ROOT));
        }
        return Optional.empty();
      }
      if (!directory.get().isDirectory()) {
        throw conflict(path, String.join("/", parents.subList(0, depth + 1)) + " is a file");
      }
      cluster = directory.get().startCluster();
    }

    Optional<DirectoryReader.Entry> file = directories.find(cluster, path.fileName());
    if (file.isPresent() && (file.get().attributes() & DirectoryReader.ATTRIBUTE_DIRECTORY) != 0) {
      throw conflict(path, path.path() + " is a directory");
    }
    return file;
  }

  private void checkClusters(long needed, long available) {
    if (needed <= available) {
      return;
    }
    long clusterBytes = geometry.bytesPerCluster();
    throw new OsImageException(
        OsImageFailure.BOOT_PARTITION_FULL,
        "The files do not fit into the FAT filesystem of "
            + name
            + ": "
            + available * clusterBytes
            + " bytes are free (counting replaced files), "
            + needed * clusterBytes
            + " bytes are needed in "
            + clusterBytes
            + "-byte clusters. Write smaller files or use an image with a larger boot partition.");
  }

  private void checkRootDirectory(int newSlots) throws IOException {
    int used = directories.usedSlots(0);
    int capacity = geometry.rootEntryCount();
    if (used + newSlots <= capacity) {
      return;
    }
    throw new OsImageException(
        OsImageFailure.BOOT_PARTITION_FULL,
        "The root directory of the FAT filesystem of "
            + name
            + " is full: it has "
            + capacity
            + " entry slots, "
            + used
            + " are used and "
            + newSlots
            + " more are needed ("
            + (capacity - used) * DirectoryReader.ENTRY_SIZE
            + " bytes free, "
            + newSlots * DirectoryReader.ENTRY_SIZE
            + " bytes needed). Put the files into a subdirectory or use an image whose boot"
            + " partition has a larger root directory.");
  }

  private long clusters(long bytes) {
    return (bytes + geometry.bytesPerCluster() - 1) / geometry.bytesPerCluster();
  }

  /** Returns the directory slots fat32-lib uses for an entry called {@code entryName}. */
  static int slots(String entryName) {
    if (SHORT_NAME.matcher(entryName).matches()) {
      return 1;
    }
    return 1 + (entryName.length() + 12) / 13;
  }

  private static OsImageException conflict(BootPath path, String reason) {
    return new OsImageException(
        OsImageFailure.INVALID_CONFIG,
        "Cannot write '"
            + path.path()
            + "' into the boot partition: "
            + reason
            + " there. Choose a path that does not collide with an existing entry.");
  }
}
