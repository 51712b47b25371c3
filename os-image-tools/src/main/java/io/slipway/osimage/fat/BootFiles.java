package io.slipway.osimage.fat;

import de.waldheinz.fs.fat.FatType;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.disk.Partition;
import io.slipway.osimage.image.ImageBytes;
import io.slipway.osimage.image.ImagePatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes files into the FAT boot partition of a disk image without changing the image: reads go to
 * {@link ImageBytes}, writes are collected into an {@link ImagePatch} in image offsets, all inside
 * the partition. Stateless, thread-safe.
 */
public final class BootFiles {

  private static final Logger log = LoggerFactory.getLogger(BootFiles.class);

  private BootFiles() {}

  /**
   * Returns the patch that writes or replaces {@code files} in the FAT filesystem of {@code boot},
   * creating parent directories. A filesystem that passed {@code fsck.fat -n} still does. The patch
   * contains only the 512-byte sectors whose content changed. Written files and the directories
   * created for them get {@code modifiedAt} as their creation, access and modification time, in
   * UTC.
   *
   * @param files path inside the partition ({@code config.json}, {@code system-connections/wifi})
   *     to its content
   * @param modifiedAt the time stamped on written files and directories, milliseconds since the
   *     epoch
   * @throws OsImageException {@code UNSUPPORTED_FILESYSTEM}, {@code BOOT_PARTITION_FULL}, {@code
   *     INVALID_CONFIG} for an invalid path, {@code IO} when reading the image fails
   */
  public static ImagePatch write(
      ImageBytes image, Partition boot, SortedMap<String, byte[]> files, long modifiedAt) {
    String name = "boot partition " + boot.number();
    Map<BootPath, byte[]> paths = parsePaths(files);
    OverlayBlockDevice device = new OverlayBlockDevice(image, boot.offset(), boot.size());
    try {
      ImagePatch patch = write(device, paths, modifiedAt, name);
      log.info(
          "Wrote {} files into {} at offset {}: {} bytes changed",
          paths.size(),
          name,
          boot.offset(),
          patch.patchedBytes());
      return patch;
    } catch (OverlayBlockDevice.ImageReadException e) {
      throw new OsImageException(
          OsImageFailure.IO, "Reading " + name + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new OsImageException(
          OsImageFailure.IO, "Writing files into " + name + " failed: " + e.getMessage(), e);
    }
  }

  private static ImagePatch write(
      OverlayBlockDevice device, Map<BootPath, byte[]> paths, long modifiedAt, String name)
      throws IOException {
    byte[] bootSector = new byte[FatGeometry.SECTOR_SIZE];
    device.read(0, ByteBuffer.wrap(bootSector));
    FatGeometry geometry = FatGeometry.parse(bootSector, device.getSize(), name);
    geometry.requireTypeReadableByLibrary(name);
    boolean fat32 = geometry.type() == FatType.FAT32;

    FatTable before = FatTable.read(device, geometry);
    long freeClusters = before.freeClusters();
    DirectoryReader original = new DirectoryReader(device, geometry, before, name);
    new SpaceCheck(original, geometry, name).check(paths, freeClusters);
    byte[] labelEntry = volumeLabelEntry(device, original);
    if (fat32) {
      FsInfo.presentCount(device, geometry, freeClusters, name);
    }

    Set<List<String>> created = writeWithLibrary(device, paths, name);

    FatTable after = FatTable.read(device, geometry);
    if (fat32) {
      FsInfo.reconcile(device, geometry, after, name);
    }
    DirectoryReader written = new DirectoryReader(device, geometry, after, name);
    restoreVolumeLabelEntry(device, written, labelEntry);
    DirectoryStamper stamper = new DirectoryStamper(device, written, modifiedAt);
    for (BootPath path : paths.keySet()) {
      stamper.stampPath(path.segments());
    }
    for (List<String> directory : created) {
      stamper.stampDirectory(directory);
    }
    return device.toPatch();
  }

  /** Returns the 32 bytes of the root directory's volume label entry, or null without one. */
  private static byte[] volumeLabelEntry(OverlayBlockDevice device, DirectoryReader directories)
      throws IOException {
    Optional<DirectoryReader.Entry> label = directories.volumeLabel();
    if (label.isEmpty()) {
      return null;
    }
    byte[] entry = new byte[DirectoryReader.ENTRY_SIZE];
    device.read(label.get().offset(), ByteBuffer.wrap(entry));
    return entry;
  }

  /**
   * Puts the original volume label entry back. fat32-lib rewrites the root directory with the label
   * as its last entry and without the label's time stamps, which we keep.
   */
  private static void restoreVolumeLabelEntry(
      OverlayBlockDevice device, DirectoryReader directories, byte[] original) throws IOException {
    if (original == null) {
      return;
    }
    Optional<DirectoryReader.Entry> label = directories.volumeLabel();
    if (label.isPresent()) {
      device.write(label.get().offset(), ByteBuffer.wrap(original));
    }
  }

  private static Set<List<String>> writeWithLibrary(
      OverlayBlockDevice device, Map<BootPath, byte[]> paths, String name) throws IOException {
    try {
      return FatFileWriter.write(device, paths, name);
    } catch (OverlayBlockDevice.ImageReadException | OsImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // fat32-lib reports inconsistent structures with IOException and unchecked exceptions alike.
      throw unreadable(name, e);
    }
  }

  /**
   * Validates every path and rejects two paths that FAT would treat as one entry (they differ only
   * in case) or a file that another path needs as a directory.
   */
  static Map<BootPath, byte[]> parsePaths(SortedMap<String, byte[]> files) {
    Map<BootPath, byte[]> paths = new LinkedHashMap<>();
    Map<String, String> seen = new HashMap<>();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      BootPath path = BootPath.parse(file.getKey());
      String key = path.path().toLowerCase(Locale.ROOT);
      String earlier = seen.put(key, path.path());
      if (earlier != null) {
        throw collision(path.path(), "it names the same FAT entry as '" + earlier + "'");
      }
      paths.put(path, file.getValue());
    }
    for (BootPath path : paths.keySet()) {
      for (int depth = 1; depth < path.segments().size(); depth++) {
        String parent = String.join("/", path.segments().subList(0, depth));
        String file = seen.get(parent.toLowerCase(Locale.ROOT));
        if (file != null) {
          throw collision(path.path(), "it needs '" + file + "' as a directory");
        }
      }
    }
    return paths;
  }

  private static OsImageException collision(String path, String reason) {
    return new OsImageException(
        OsImageFailure.INVALID_CONFIG,
        "Invalid boot partition path '" + path + "': " + reason + ". Rename one of the files.");
  }

  private static OsImageException unreadable(String name, Exception cause) {
    return new OsImageException(
        OsImageFailure.UNSUPPORTED_FILESYSTEM,
        "The FAT filesystem of "
            + name
            + " could not be edited: "
            + cause.getMessage()
            + ". Check it with fsck.fat; the boot partition must be FAT12, FAT16 or FAT32.",
        cause);
  }
}
