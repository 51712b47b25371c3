package io.slipway.osimage.fat;

import de.waldheinz.fs.fat.FatType;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The layout of a FAT filesystem as its boot sector (BIOS parameter block) describes it. The type
 * is FAT32 when the 16-bit sectors-per-FAT field is 0, else FAT12 or FAT16 by the cluster count, as
 * fsck.fat 4.2 and blkid (util-linux 2.38) decide it. The FAT specification decides by the cluster
 * count alone, but {@code mkfs.fat -F 32 -s 8} on 256 MiB makes a FAT32 filesystem with 65404
 * clusters, which those tools report as FAT32. All offsets are in bytes from the start of the
 * filesystem. Immutable.
 *
 * <p>NOTE: {@code disk.FatBootSector} parses the same boot sector for the volume label. It accepts
 * any sector size and returns empty for a non-FAT sector, while this type accepts 512 only and
 * rejects with a message, so the two are kept apart.
 *
 * @param sectorsPerCluster sectors in one cluster, a power of two
 * @param reservedSectors sectors before the first FAT, including the boot sector
 * @param fatCount how many copies of the FAT follow the reserved sectors
 * @param rootEntryCount 32-byte entries in the fixed FAT12/16 root directory; 0 on FAT32
 * @param totalSectors sectors the filesystem covers
 * @param sectorsPerFat sectors in one FAT copy
 * @param rootCluster the first cluster of the FAT32 root directory; 0 on FAT12/16
 * @param fsInfoSector the sector number of the FAT32 FSInfo sector; 0 on FAT12/16
 * @param fat32 whether the boot sector has the FAT32 layout: its 16-bit sectors-per-FAT field is 0
 */
record FatGeometry(
    int sectorsPerCluster,
    int reservedSectors,
    int fatCount,
    int rootEntryCount,
    long totalSectors,
    long sectorsPerFat,
    long rootCluster,
    int fsInfoSector,
    boolean fat32) {

  /** The only sector size this package handles; every image we configure uses it. */
  static final int SECTOR_SIZE = 512;

  /** The first cluster number that contains data; clusters 0 and 1 are reserved FAT entries. */
  static final int FIRST_CLUSTER = 2;

  private static final int MAX_FAT12_CLUSTERS = 4084;
  private static final int MAX_FAT16_CLUSTERS = 65524;

  /**
   * Parses the boot sector of a filesystem that must fit into {@code partitionSize} bytes.
   *
   * @param name how messages name the filesystem, such as {@code partition 1}
   * @throws OsImageException {@code UNSUPPORTED_FILESYSTEM} when the sector is no FAT boot sector,
   *     or its layout is impossible or larger than the partition
   */
  static FatGeometry parse(byte[] bootSector, long partitionSize, String name) {
    ByteBuffer sector = ByteBuffer.wrap(bootSector).order(ByteOrder.LITTLE_ENDIAN);
    if (bootSector.length < SECTOR_SIZE
        || (sector.get(510) & 0xff) != 0x55
        || (sector.get(511) & 0xff) != 0xaa) {
      throw unsupported(name, "its first sector has no boot sector signature 55 AA");
    }

    int bytesPerSector = sector.getShort(11) & 0xffff;
    if (bytesPerSector != SECTOR_SIZE) {
      throw unsupported(name, "it uses " + bytesPerSector + "-byte sectors; only 512 is supported");
    }

    int sectorsPerCluster = sector.get(13) & 0xff;
    int reservedSectors = sector.getShort(14) & 0xffff;
    int fatCount = sector.get(16) & 0xff;
    int rootEntryCount = sector.getShort(17) & 0xffff;
    int totalSectors16 = sector.getShort(19) & 0xffff;
    int sectorsPerFat16 = sector.getShort(22) & 0xffff;
    long totalSectors32 = sector.getInt(32) & 0xffffffffL;
    long sectorsPerFat32 = sector.getInt(36) & 0xffffffffL;

    if (Integer.bitCount(sectorsPerCluster) != 1 || reservedSectors == 0 || fatCount == 0) {
      throw unsupported(
          name,
          "its boot sector is no FAT boot sector (sectors per cluster "
              + sectorsPerCluster
              + ", reserved sectors "
              + reservedSectors
              + ", FATs "
              + fatCount
              + ")");
    }

    long totalSectors = totalSectors16 != 0 ? totalSectors16 : totalSectors32;
    long sectorsPerFat = sectorsPerFat16 != 0 ? sectorsPerFat16 : sectorsPerFat32;
    boolean fat32Layout = sectorsPerFat16 == 0;
    FatGeometry geometry =
        new FatGeometry(
            sectorsPerCluster,
            reservedSectors,
            fatCount,
            rootEntryCount,
            totalSectors,
            sectorsPerFat,
            fat32Layout ? sector.getInt(44) & 0xffffffffL : 0,
            fat32Layout ? sector.getShort(48) & 0xffff : 0,
            fat32Layout);
    geometry.check(partitionSize, name);
    return geometry;
  }

  private void check(long partitionSize, String name) {
    if (sectorsPerFat == 0 || totalSectors == 0 || dataOffset() >= totalSectors * SECTOR_SIZE) {
      throw unsupported(name, "its boot sector describes no data area");
    }
    if (totalSectors * SECTOR_SIZE > partitionSize) {
      throw unsupported(
          name,
          "its boot sector claims "
              + totalSectors * SECTOR_SIZE
              + " bytes but the partition has "
              + partitionSize);
    }

    long fatEntries = sectorsPerFat * SECTOR_SIZE * 2 / entryHalfBytes();
    if (clusterCount() + FIRST_CLUSTER > fatEntries) {
      throw unsupported(name, "its FAT is too small for its " + clusterCount() + " clusters");
    }

    if (!fat32 && clusterCount() > MAX_FAT16_CLUSTERS) {
      throw unsupported(
          name,
          "its FAT16 boot sector describes "
              + clusterCount()
              + " clusters, more than FAT16's maximum of "
              + MAX_FAT16_CLUSTERS);
    }
    if (fat32 && (rootEntryCount != 0 || rootCluster < FIRST_CLUSTER || !hasFsInfoSector())) {
      throw unsupported(
          name,
          "its FAT32 boot sector is damaged (root cluster "
              + rootCluster
              + ", FSInfo sector "
              + fsInfoSector
              + ", root entries "
              + rootEntryCount
              + ")");
    }
    if (!fat32 && rootEntryCount == 0) {
      throw unsupported(name, "its FAT12/16 boot sector declares no root directory entries");
    }
    // fat32-lib places the data area right after rootEntryCount * 32 bytes without rounding up to
    // a whole sector, so any other count would make it write clusters at the wrong offsets.
    if (!fat32 && rootEntryCount * 32L % SECTOR_SIZE != 0) {
      throw unsupported(name, rootEntryCount + " root directory entries do not fill whole sectors");
    }
  }

  private boolean hasFsInfoSector() {
    return fsInfoSector > 0 && fsInfoSector < reservedSectors;
  }

  /**
   * Rejects a filesystem that fat32-lib 0.6.5 would take for another FAT type. Its {@code
   * BootSector.read} decides by the cluster count alone, so it opens a FAT32 filesystem with fewer
   * than 65525 clusters as FAT16 and would read its FAT and root directory at the wrong places. No
   * view of the device can fix that without showing the library a different cluster size or count.
   *
   * @throws OsImageException {@code UNSUPPORTED_FILESYSTEM} naming the cluster count and the fix
   */
  void requireTypeReadableByLibrary(String name) {
    if (!fat32 || clusterCount() > MAX_FAT16_CLUSTERS) {
      return;
    }
    throw new OsImageException(
        OsImageFailure.UNSUPPORTED_FILESYSTEM,
        "The filesystem of "
            + name
            + " is FAT32 with only "
            + clusterCount()
            + " clusters of "
            + bytesPerCluster()
            + " bytes, fewer than the 65525 the FAT specification requires of FAT32, and the FAT"
            + " library Slipway writes with would misread it as FAT16. Reformat the boot partition"
            + " with smaller clusters (mkfs.vfat -F 32 -s 1, which needs a partition of about"
            + " 33 MiB) or as FAT16 (mkfs.vfat -F 16), then copy its files back.");
  }

  /** Returns FAT32 for the FAT32 layout, else FAT12 or FAT16 by the cluster count. */
  FatType type() {
    if (fat32) {
      return FatType.FAT32;
    }
    return clusterCount() <= MAX_FAT12_CLUSTERS ? FatType.FAT12 : FatType.FAT16;
  }

  /** Returns the size of one FAT entry in half bytes: 3, 4 or 8. */
  int entryHalfBytes() {
    return switch (type()) {
      case FAT12 -> 3;
      case FAT16 -> 4;
      case FAT32 -> 8;
    };
  }

  /** Returns the number of data clusters; valid cluster numbers are 2 to this + 1. */
  long clusterCount() {
    return (totalSectors * SECTOR_SIZE - dataOffset()) / bytesPerCluster();
  }

  int bytesPerCluster() {
    return sectorsPerCluster * SECTOR_SIZE;
  }

  long fatOffset(int copy) {
    return ((long) reservedSectors + copy * sectorsPerFat) * SECTOR_SIZE;
  }

  long fatBytes() {
    return sectorsPerFat * SECTOR_SIZE;
  }

  /** Returns the offset of the fixed FAT12/16 root directory (on FAT32: of the data area). */
  long rootDirectoryOffset() {
    return fatOffset(fatCount);
  }

  long rootDirectoryBytes() {
    long bytes = rootEntryCount * 32L;
    return (bytes + SECTOR_SIZE - 1) / SECTOR_SIZE * SECTOR_SIZE;
  }

  /** Returns the offset of cluster 2, the start of the data area. */
  long dataOffset() {
    return rootDirectoryOffset() + rootDirectoryBytes();
  }

  long clusterOffset(long cluster) {
    return dataOffset() + (cluster - FIRST_CLUSTER) * bytesPerCluster();
  }

  long fsInfoOffset() {
    return (long) fsInfoSector * SECTOR_SIZE;
  }

  private static OsImageException unsupported(String name, String reason) {
    return new OsImageException(
        OsImageFailure.UNSUPPORTED_FILESYSTEM,
        "The filesystem of "
            + name
            + " is not a usable FAT12/16/32 filesystem: "
            + reason
            + ". Format the boot partition with mkfs.vfat or check it with fsck.fat.");
  }
}
