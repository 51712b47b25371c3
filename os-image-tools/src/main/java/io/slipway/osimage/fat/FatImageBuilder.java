package io.slipway.osimage.fat;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.image.ImageBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.regex.Pattern;

/**
 * Creates a FAT filesystem holding given files, deterministically: the same arguments give the same
 * bytes (volume id, time stamps and layout come only from the arguments). Stateless, thread-safe.
 */
public final class FatImageBuilder {

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_-]{1,11}");

  private FatImageBuilder() {}

  /**
   * Writes a new FAT filesystem of exactly {@code size} bytes at {@code offset} of {@code target}.
   * FAT16 below 512 MiB, FAT32 from there, the volume label in the boot sector and as the root
   * directory's label entry. The boot sector's hidden-sector count is {@code offset / 512}, right
   * when {@code target} is the whole disk image.
   *
   * <p>Only the sectors the filesystem uses are written: the reserved sectors, both FATs, the root
   * directory, and the clusters of directories and files. Other sectors of the region keep what
   * {@code target} contains there, zeros in a new sparse file. A shorter {@code target} is extended
   * to {@code offset + size} bytes.
   *
   * @param label the volume label, at most 11 characters of A-Z, 0-9, {@code -} and {@code _}
   *     (lower case is kept as given, as Yocto's {@code resin-boot} is)
   * @param volumeId the 32-bit volume serial number
   * @param files path inside the filesystem to content; directories are created as needed
   * @param modifiedAt the time stamped on every file and directory, milliseconds since the epoch
   * @throws OsImageException {@code BOOT_PARTITION_FULL} when the files do not fit, {@code
   *     INVALID_CONFIG} for a bad label or path, {@code INVALID_INPUT} for an offset or size that
   *     is not a multiple of 512 or a size below 4 MiB
   */
  public static void build(
      FileChannel target,
      long offset,
      long size,
      String label,
      int volumeId,
      SortedMap<String, byte[]> files,
      long modifiedAt)
      throws IOException {
    if (offset < 0 || offset % FatGeometry.SECTOR_SIZE != 0) {
      throw new OsImageException(
          OsImageFailure.INVALID_INPUT,
          "Invalid FAT filesystem offset " + offset + ": use a multiple of 512 bytes.");
    }
    build(
        target, offset, size, offset / FatGeometry.SECTOR_SIZE, label, volumeId, files, modifiedAt);
  }

  /**
   * Writes a new FAT filesystem as {@link #build(FileChannel, long, long, String, int, SortedMap,
   * long)} does, with an explicit hidden-sector count for a filesystem built apart from its disk.
   *
   * @param hiddenSectors the sector number of the partition's start on its disk
   */
  public static void build(
      FileChannel target,
      long offset,
      long size,
      long hiddenSectors,
      String label,
      int volumeId,
      SortedMap<String, byte[]> files,
      long modifiedAt)
      throws IOException {
    checkLabel(label);
    if (hiddenSectors < 0 || hiddenSectors > 0xffffffffL) {
      throw new OsImageException(
          OsImageFailure.INVALID_INPUT,
          "Invalid hidden-sector count "
              + hiddenSectors
              + ": a FAT boot sector stores 0 to 4294967295. Put the partition within 2 TiB.");
    }
    FatLayout layout = FatLayout.forSize(size);
    Map<BootPath, byte[]> paths = BootFiles.parsePaths(files);
    String name = "the new boot partition '" + label + "'";

    // NOTE: every written sector stays in memory until the end, about as much heap as the files'
    // total size, so that partial sectors are padded with zeros whatever the target contains.
    OverlayBlockDevice device = new OverlayBlockDevice(new Zeros(), 0, size);
    FatFormatter.format(device, layout, hiddenSectors, label, volumeId);
    FatGeometry geometry = FatGeometry.parse(bootSector(device), size, name);

    FatTable empty = FatTable.read(device, geometry);
    new SpaceCheck(new DirectoryReader(device, geometry, empty, name), geometry, name)
        .check(paths, empty.freeClusters());
    FatFileWriter.write(device, paths, name);

    FatTable fat = FatTable.read(device, geometry);
    if (layout.fat32()) {
      FsInfo.reconcile(device, geometry, fat, name);
      copyFsInfoToBackup(device, geometry);
    }
    new DirectoryStamper(device, new DirectoryReader(device, geometry, fat, name), modifiedAt)
        .stampAll();

    writeSectors(target, offset, device.writtenSectors());
    extendTo(target, offset + size);
  }

  /**
   * Makes {@code target} at least {@code end} bytes long, so that tools can read the filesystem's
   * last sector even though nothing was written there. The added bytes read as zeros.
   */
  private static void extendTo(FileChannel target, long end) throws IOException {
    if (target.size() < end) {
      target.write(ByteBuffer.allocate(1), end - 1);
    }
  }

  /** Makes the FAT32 FSInfo backup (sector 7, after the backup boot sector) equal the primary. */
  private static void copyFsInfoToBackup(OverlayBlockDevice device, FatGeometry geometry)
      throws IOException {
    ByteBuffer fsInfo = ByteBuffer.allocate(FatGeometry.SECTOR_SIZE);
    device.read(geometry.fsInfoOffset(), fsInfo);
    device.write(7L * FatGeometry.SECTOR_SIZE, fsInfo.clear());
  }

  private static byte[] bootSector(OverlayBlockDevice device) throws IOException {
    byte[] sector = new byte[FatGeometry.SECTOR_SIZE];
    device.read(0, ByteBuffer.wrap(sector));
    return sector;
  }

  /** Writes runs of consecutive sectors with one call each. */
  private static void writeSectors(
      FileChannel target, long offset, NavigableMap<Long, byte[]> sectors) throws IOException {
    List<Long> indexes = List.copyOf(sectors.keySet());
    int runStart = 0;
    while (runStart < indexes.size()) {
      int runEnd = runStart + 1;
      while (runEnd < indexes.size() && indexes.get(runEnd) == indexes.get(runEnd - 1) + 1) {
        runEnd++;
      }
      ByteBuffer run = ByteBuffer.allocate((runEnd - runStart) * FatGeometry.SECTOR_SIZE);
      for (int i = runStart; i < runEnd; i++) {
        run.put(sectors.get(indexes.get(i)));
      }
      run.flip();
      long position = offset + indexes.get(runStart) * FatGeometry.SECTOR_SIZE;
      while (run.hasRemaining()) {
        position += target.write(run, position);
      }
      runStart = runEnd;
    }
  }

  private static void checkLabel(String label) {
    if (label == null || !LABEL.matcher(label).matches()) {
      throw new OsImageException(
          OsImageFailure.INVALID_CONFIG,
          "Invalid volume label '"
              + label
              + "': use 1 to 11 characters of A-Z, a-z, 0-9, '-' and '_', such as resin-boot.");
    }
  }

  /** The content of a region before formatting: all zeros, of unbounded size. */
  private static final class Zeros implements ImageBytes {

    @Override
    public int read(long offset, ByteBuffer target) {
      int length = target.remaining();
      target.put(ByteBuffer.allocate(length));
      return length;
    }

    @Override
    public OptionalLong knownSize() {
      return OptionalLong.empty();
    }
  }
}
