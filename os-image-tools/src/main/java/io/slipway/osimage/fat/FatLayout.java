package io.slipway.osimage.fat;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;

/**
 * The layout we give a new FAT filesystem: FAT16 below 512 MiB and FAT32 from there, two FATs, 4
 * KiB clusters where the cluster count allows them, and a data area that starts on a cluster
 * boundary. Immutable.
 *
 * @param fat32 whether it is FAT32 (else FAT16)
 * @param totalSectors sectors the filesystem covers
 * @param sectorsPerCluster sectors in one cluster
 * @param reservedSectors sectors before the first FAT
 * @param sectorsPerFat sectors in one FAT copy
 * @param rootEntryCount entries of the fixed FAT16 root directory, 0 on FAT32
 */
record FatLayout(
    boolean fat32,
    long totalSectors,
    int sectorsPerCluster,
    int reservedSectors,
    long sectorsPerFat,
    int rootEntryCount) {

  static final int FAT_COUNT = 2;
  static final long FAT32_THRESHOLD = 512L << 20;

  private static final int SECTOR = FatGeometry.SECTOR_SIZE;
  private static final int PREFERRED_SECTORS_PER_CLUSTER = 8;
  private static final int MAX_SECTORS_PER_CLUSTER = 128;
  private static final long MIN_FAT16_CLUSTERS = 4085;
  private static final long MAX_FAT16_CLUSTERS = 65524;
  private static final long MAX_FAT32_CLUSTERS = 0x0ffffff5L;
  private static final int FAT16_ROOT_ENTRIES = 512;
  private static final int FAT16_RESERVED = 4;
  private static final int FAT32_RESERVED = 32;

  /**
   * Returns the layout for a filesystem of {@code size} bytes.
   *
   * @throws OsImageException {@code INVALID_INPUT} when {@code size} is too small for FAT16 or not
   *     a whole number of 512-byte sectors
   */
  static FatLayout forSize(long size) {
    if (size <= 0 || size % SECTOR != 0 || size / SECTOR > 0xffffffffL) {
      throw new OsImageException(
          OsImageFailure.INVALID_INPUT,
          "Invalid FAT filesystem size "
              + size
              + ": use a positive multiple of 512 bytes below 2 TiB.");
    }
    boolean fat32 = size >= FAT32_THRESHOLD;
    long totalSectors = size / SECTOR;

    int sectorsPerCluster = PREFERRED_SECTORS_PER_CLUSTER;
    FatLayout layout = fit(fat32, totalSectors, sectorsPerCluster);
    while (layout.clusterCount() > maxClusters(fat32)
        && sectorsPerCluster < MAX_SECTORS_PER_CLUSTER) {
      sectorsPerCluster *= 2;
      layout = fit(fat32, totalSectors, sectorsPerCluster);
    }
    while (!fat32 && layout.clusterCount() < MIN_FAT16_CLUSTERS && sectorsPerCluster > 1) {
      sectorsPerCluster /= 2;
      layout = fit(false, totalSectors, sectorsPerCluster);
    }

    if (!fat32 && layout.clusterCount() < MIN_FAT16_CLUSTERS) {
      throw new OsImageException(
          OsImageFailure.INVALID_INPUT,
          "A FAT filesystem of "
              + size
              + " bytes is too small for FAT16 ("
              + layout.clusterCount()
              + " clusters, at least "
              + MIN_FAT16_CLUSTERS
              + " needed). Use a boot partition of at least 4 MiB.");
    }
    return layout;
  }

  /**
   * Returns the layout with the smallest FAT that covers its clusters, data aligned to clusters.
   */
  private static FatLayout fit(boolean fat32, long totalSectors, int sectorsPerCluster) {
    int reserved = fat32 ? FAT32_RESERVED : FAT16_RESERVED;
    int rootEntries = fat32 ? 0 : FAT16_ROOT_ENTRIES;
    long sectorsPerFat = 1;
    while (true) {
      FatLayout layout =
          aligned(fat32, totalSectors, sectorsPerCluster, reserved, sectorsPerFat, rootEntries);
      long needed = layout.neededFatSectors();
      if (needed <= sectorsPerFat) {
        return layout;
      }
      sectorsPerFat = needed;
    }
  }

  /** Adds reserved sectors until the data area starts on a cluster boundary. */
  private static FatLayout aligned(
      boolean fat32,
      long totalSectors,
      int sectorsPerCluster,
      int reserved,
      long sectorsPerFat,
      int rootEntries) {
    long rootSectors = rootEntries * 32L / SECTOR;
    long dataStart = reserved + FAT_COUNT * sectorsPerFat + rootSectors;
    int padding = (int) ((sectorsPerCluster - dataStart % sectorsPerCluster) % sectorsPerCluster);
    return new FatLayout(
        fat32, totalSectors, sectorsPerCluster, reserved + padding, sectorsPerFat, rootEntries);
  }

  private static long maxClusters(boolean fat32) {
    return fat32 ? MAX_FAT32_CLUSTERS : MAX_FAT16_CLUSTERS;
  }

  long dataStartSector() {
    return reservedSectors + FAT_COUNT * sectorsPerFat + rootEntryCount * 32L / SECTOR;
  }

  long clusterCount() {
    return Math.max(0, (totalSectors - dataStartSector()) / sectorsPerCluster);
  }

  private long neededFatSectors() {
    long entryBytes = fat32 ? 4 : 2;
    long bytes = (clusterCount() + FatGeometry.FIRST_CLUSTER) * entryBytes;
    return (bytes + SECTOR - 1) / SECTOR;
  }
}
