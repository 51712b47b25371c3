package io.slipway.osimage.fat;

import de.waldheinz.fs.fat.FatType;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks, before anything is written, that files fit into a FAT filesystem. The clusters of their
 * content, of new directories and of directories that must grow must fit into the free clusters
 * plus those of replaced files. New names must fit into the fixed FAT12/16 root directory. Also
 * rejects a path that needs a directory where a file is, or the other way round. Not safe for
 * concurrent use.
 */
final class SpaceCheck {

  /**
   * Names that fat32-lib stores as a bare 8.3 entry. Every other name also takes long-name slots.
   */
  private static final Pattern SHORT_NAME =
      Pattern.compile("[A-Z0-9_^$~!#%&{}()@'`-]{1,8}(\\.[A-Z0-9_^$~!#%&{}()@'`-]{1,3})?");

  /** The slots of the {@code .} and {@code ..} entries that every new directory starts with. */
  private static final int DOT_ENTRY_SLOTS = 2;

  private final DirectoryReader directories;
  private final FatGeometry geometry;
  private final String name;

  SpaceCheck(DirectoryReader directories, FatGeometry geometry, String name) {
    this.directories = directories;
    this.geometry = geometry;
    this.name = name;
  }

  /**
   * A directory that files go into: its first cluster (0 for the root, -1 while it does not exist
   * yet), the slots and clusters it uses, and the slots its new entries need.
   */
  private static final class Directory {

    final long cluster;
    final int usedSlots;
    final long clusters;
    int newSlots;

    Directory(long cluster, int usedSlots, long clusters) {
      this.cluster = cluster;
      this.usedSlots = usedSlots;
      this.clusters = clusters;
    }
  }

  /**
   * Checks that {@code files} fit.
   *
   * @param freeClusters the free clusters of the FAT before writing
   * @throws OsImageException {@code BOOT_PARTITION_FULL} when they do not, {@code INVALID_CONFIG}
   *     when a path needs a directory where a file is, or the other way round
   */
  void check(Map<BootPath, byte[]> files, long freeClusters) throws IOException {
    Map<String, Directory> touched = new LinkedHashMap<>();
    touched.put("", existingDirectory(0));
    long neededClusters = 0;
    long freedClusters = 0;

    for (Map.Entry<BootPath, byte[]> file : files.entrySet()) {
      BootPath path = file.getKey();
      Directory parent = parentOf(path, touched);
      neededClusters += clusters(file.getValue().length);
      Optional<DirectoryReader.Entry> existing = existingFile(path, parent);
      if (existing.isPresent()) {
        freedClusters += clusters(existing.get().length());
      } else {
        parent.newSlots += slots(path.fileName());
      }
    }

    Directory root = touched.remove("");
    for (Directory directory : touched.values()) {
      neededClusters += growth(directory);
    }
    if (geometry.type() == FatType.FAT32) {
      neededClusters += growth(root);
    }
    checkClusters(neededClusters, freeClusters + freedClusters);
    if (geometry.type() != FatType.FAT32) {
      checkRootDirectory(root);
    }
  }

  /**
   * Returns the directory that contains {@code path}, adding it and its ancestors to {@code
   * touched} (keyed by lower-case path). A directory that does not exist yet is counted as a new
   * entry of its parent.
   */
  private Directory parentOf(BootPath path, Map<String, Directory> touched) throws IOException {
    Directory directory = touched.get("");
    List<String> parents = path.parents();
    for (int depth = 0; depth < parents.size(); depth++) {
      String key = String.join("/", parents.subList(0, depth + 1)).toLowerCase(Locale.ROOT);
      Directory known = touched.get(key);
      if (known == null) {
        known = lookUp(path, parents, depth, directory);
        touched.put(key, known);
      }
      directory = known;
    }
    return directory;
  }

  private Directory lookUp(BootPath path, List<String> parents, int depth, Directory parent)
      throws IOException {
    String directoryName = parents.get(depth);
    Optional<DirectoryReader.Entry> entry =
        parent.cluster < 0 ? Optional.empty() : directories.find(parent.cluster, directoryName);
    if (entry.isEmpty()) {
      parent.newSlots += slots(directoryName);
      return new Directory(-1, DOT_ENTRY_SLOTS, 0);
    }
    if (!entry.get().isDirectory()) {
      throw conflict(path, String.join("/", parents.subList(0, depth + 1)) + " is a file");
    }
    return existingDirectory(entry.get().startCluster());
  }

  private Directory existingDirectory(long cluster) throws IOException {
    return new Directory(cluster, directories.usedSlots(cluster), directories.clusters(cluster));
  }

  /** Returns the existing entry of the file, if any. */
  private Optional<DirectoryReader.Entry> existingFile(BootPath path, Directory parent)
      throws IOException {
    if (parent.cluster < 0) {
      return Optional.empty();
    }
    Optional<DirectoryReader.Entry> file = directories.find(parent.cluster, path.fileName());
    if (file.isPresent() && (file.get().attributes() & DirectoryReader.ATTRIBUTE_DIRECTORY) != 0) {
      throw conflict(path, path.path() + " is a directory");
    }
    return file;
  }

  /** Returns how many clusters the directory must gain to hold its new entries. */
  private long growth(Directory directory) {
    long slotsPerCluster = geometry.bytesPerCluster() / DirectoryReader.ENTRY_SIZE;
    long slots = directory.usedSlots + directory.newSlots;
    long needed = Math.max(1, (slots + slotsPerCluster - 1) / slotsPerCluster);
    return Math.max(0, needed - directory.clusters);
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

  private void checkRootDirectory(Directory root) {
    int capacity = geometry.rootEntryCount();
    if (root.usedSlots + root.newSlots <= capacity) {
      return;
    }
    throw new OsImageException(
        OsImageFailure.BOOT_PARTITION_FULL,
        "The root directory of the FAT filesystem of "
            + name
            + " is full: it has "
            + capacity
            + " entry slots, "
            + root.usedSlots
            + " are used and "
            + root.newSlots
            + " more are needed ("
            + (capacity - root.usedSlots) * DirectoryReader.ENTRY_SIZE
            + " bytes free, "
            + root.newSlots * DirectoryReader.ENTRY_SIZE
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
