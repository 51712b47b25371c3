package io.slipway.osimage.disk;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Optional;

/**
 * The fields of a FAT12, FAT16 or FAT32 boot sector (its BIOS parameter block) needed to find the
 * volume label: the label in the boot sector and where the root directory lies.
 *
 * @param bytesPerSector 512, 1024, 2048 or 4096
 * @param sectorsPerCluster a power of two from 1 to 128
 * @param reservedSectors sectors before the first FAT
 * @param fatCount number of FAT copies
 * @param rootEntryCount root directory entries of FAT12/16; 0 for FAT32
 * @param sectorsPerFat size of one FAT in sectors
 * @param rootCluster first cluster of the FAT32 root directory; 0 for FAT12/16
 * @param label the label in the extended boot record, trailing spaces removed, if it has one
 */
record FatBootSector(
    int bytesPerSector,
    int sectorsPerCluster,
    int reservedSectors,
    int fatCount,
    int rootEntryCount,
    long sectorsPerFat,
    long rootCluster,
    Optional<String> label) {

  /** The code page of labels: mkfs.fat 4.2 and mtools encode labels in code page 850 by default. */
  static final Charset LABEL_CHARSET = Charset.forName("IBM850");

  /** The label formatters write when none is given; blkid treats it as no label. */
  private static final String NO_NAME = "NO NAME";

  private static final int EXTENDED_BOOT_SIGNATURE = 0x29;

  /**
   * Parses {@code sector}, the first sector of a partition, when it looks like a FAT boot sector:
   * the 0x55 0xAA signature and a plausible BIOS parameter block. Returns empty otherwise.
   */
  static Optional<FatBootSector> parse(ByteBuffer sector) {
    if (sector.limit() < DiskReads.SECTOR_SIZE || !MbrEntry.hasSignature(sector)) {
      return Optional.empty();
    }
    int bytesPerSector = DiskReads.uint16(sector, 11);
    int sectorsPerCluster = DiskReads.uint8(sector, 13);
    int reservedSectors = DiskReads.uint16(sector, 14);
    int fatCount = DiskReads.uint8(sector, 16);
    int rootEntryCount = DiskReads.uint16(sector, 17);
    long totalSectors =
        DiskReads.uint16(sector, 19) != 0
            ? DiskReads.uint16(sector, 19)
            : DiskReads.uint32(sector, 32);
    int sectorsPerFat16 = DiskReads.uint16(sector, 22);
    boolean fat32 = sectorsPerFat16 == 0;
    long sectorsPerFat = fat32 ? DiskReads.uint32(sector, 36) : sectorsPerFat16;

    boolean plausible =
        isPowerOfTwoBetween(bytesPerSector, 512, 4096)
            && isPowerOfTwoBetween(sectorsPerCluster, 1, 128)
            && reservedSectors >= 1
            && fatCount >= 1
            && totalSectors > 0
            && sectorsPerFat > 0
            && (fat32 ? rootEntryCount == 0 : rootEntryCount > 0);
    if (!plausible) {
      return Optional.empty();
    }

    return Optional.of(
        new FatBootSector(
            bytesPerSector,
            sectorsPerCluster,
            reservedSectors,
            fatCount,
            rootEntryCount,
            sectorsPerFat,
            fat32 ? DiskReads.uint32(sector, 44) : 0,
            bootSectorLabel(sector, fat32)));
  }

  /** Returns whether this is a FAT32 boot sector (its root directory is a cluster chain). */
  boolean isFat32() {
    return rootEntryCount == 0;
  }

  /** Returns the byte offset of the first FAT from the start of the partition. */
  long fatOffset() {
    return (long) reservedSectors * bytesPerSector;
  }

  /** Returns the byte offset of the FAT12/16 root directory from the start of the partition. */
  long rootDirectoryOffset() {
    return fatOffset() + fatCount * sectorsPerFat * bytesPerSector;
  }

  /** Returns the byte offset of cluster 2, the first data cluster, from the partition's start. */
  long dataOffset() {
    long rootDirectoryBytes = (long) rootEntryCount * FatLabel.DIRECTORY_ENTRY_SIZE;
    long rootDirectorySectors = (rootDirectoryBytes + bytesPerSector - 1) / bytesPerSector;
    return rootDirectoryOffset() + rootDirectorySectors * bytesPerSector;
  }

  /** Returns the size of a cluster in bytes. */
  int clusterSize() {
    return sectorsPerCluster * bytesPerSector;
  }

  /**
   * Returns a label with its padding removed, or empty when it is blank or the formatter's "NO
   * NAME".
   */
  static Optional<String> cleanLabel(byte[] raw) {
    String label = new String(raw, LABEL_CHARSET).stripTrailing();
    if (label.isBlank() || label.equals(NO_NAME)) {
      return Optional.empty();
    }
    return Optional.of(label);
  }

  private static Optional<String> bootSectorLabel(ByteBuffer sector, boolean fat32) {
    int signatureOffset = fat32 ? 0x42 : 0x26;
    if (DiskReads.uint8(sector, signatureOffset) != EXTENDED_BOOT_SIGNATURE) {
      return Optional.empty();
    }
    byte[] raw = new byte[11];
    sector.get(fat32 ? 0x47 : 0x2B, raw);
    return cleanLabel(raw);
  }

  private static boolean isPowerOfTwoBetween(int value, int min, int max) {
    return value >= min && value <= max && Integer.bitCount(value) == 1;
  }
}
