package io.slipway.osimage.disk;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.image.ImageBytes;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Reads the volume label of a FAT12, FAT16 or FAT32 filesystem in a partition, without mounting it.
 * The root directory's volume-label entry, which {@code mkfs.fat -n} and {@code mlabel} write, wins
 * over the label in the boot sector, as in blkid and mlabel. Unlike them, this falls back to the
 * boot sector's label when the root directory has none (blkid 2.38 reports that one only as {@code
 * LABEL_FATBOOT}), so that a partition labelled only there is still found. Formatters' "NO NAME"
 * counts as no label. Stateless, thread-safe.
 */
public final class FatLabel {

  /** Size of a FAT directory entry in bytes. */
  static final int DIRECTORY_ENTRY_SIZE = 32;

  private static final int ATTRIBUTE_OFFSET = 11;
  private static final int ATTRIBUTE_VOLUME_ID = 0x08;
  private static final int ATTRIBUTE_DIRECTORY = 0x10;
  private static final int ATTRIBUTE_LONG_NAME = 0x0F;
  private static final int DELETED = 0xE5;

  // The label is one of the first entries in practice. The bound stops a damaged FAT32 cluster
  // chain, such as a loop, from being followed without end.
  private static final int MAX_ROOT_CLUSTERS = 1024;
  private static final long FAT32_END_OF_CHAIN = 0x0FFF_FFF8L;

  private FatLabel() {}

  /**
   * Returns the volume label of the FAT filesystem in {@code partition}, with trailing spaces
   * removed; empty when the partition contains no FAT filesystem (by its boot sector) or the
   * filesystem has no label. Reads the boot sector and the root directory only.
   *
   * @throws OsImageException {@code IO} when reading the image fails
   */
  public static Optional<String> read(ImageBytes image, Partition partition) {
    ByteBuffer first =
        DiskReads.readUpTo(
            image, partition.offset(), (int) Math.min(DiskReads.SECTOR_SIZE, partition.size()));
    Optional<FatBootSector> parsed = FatBootSector.parse(first);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    FatBootSector bootSector = parsed.get();

    Optional<String> rootLabel =
        bootSector.isFat32()
            ? fat32RootLabel(image, partition, bootSector)
            : rootLabel(
                image,
                partition,
                bootSector.rootDirectoryOffset(),
                bootSector.rootEntryCount() * DIRECTORY_ENTRY_SIZE);
    return rootLabel.isPresent() ? rootLabel : bootSector.label();
  }

  private static Optional<String> fat32RootLabel(
      ImageBytes image, Partition partition, FatBootSector bootSector) {
    long cluster = bootSector.rootCluster();
    for (int walked = 0; walked < MAX_ROOT_CLUSTERS; walked++) {
      if (cluster < 2 || cluster >= FAT32_END_OF_CHAIN) {
        return Optional.empty();
      }
      long offset = bootSector.dataOffset() + (cluster - 2) * bootSector.clusterSize();
      DirectoryScan scan = scan(image, partition, offset, bootSector.clusterSize());
      if (scan != DirectoryScan.CONTINUE) {
        return scan.label;
      }
      cluster = nextCluster(image, partition, bootSector, cluster);
    }
    return Optional.empty();
  }

  private static long nextCluster(
      ImageBytes image, Partition partition, FatBootSector bootSector, long cluster) {
    long entryOffset = bootSector.fatOffset() + cluster * 4;
    if (entryOffset + 4 > partition.size()) {
      return 0;
    }
    ByteBuffer entry = DiskReads.readUpTo(image, partition.offset() + entryOffset, 4);
    return entry.limit() < 4 ? 0 : DiskReads.uint32(entry, 0) & 0x0FFF_FFFFL;
  }

  private static Optional<String> rootLabel(
      ImageBytes image, Partition partition, long offset, int length) {
    return scan(image, partition, offset, length).label;
  }

  /**
   * Scans the directory entries in {@code length} bytes at {@code offset} of the partition for a
   * volume-label entry.
   */
  private static DirectoryScan scan(
      ImageBytes image, Partition partition, long offset, int length) {
    if (offset + length > partition.size()) {
      return DirectoryScan.END;
    }
    ByteBuffer entries = DiskReads.readUpTo(image, partition.offset() + offset, length);
    for (int at = 0; at + DIRECTORY_ENTRY_SIZE <= entries.limit(); at += DIRECTORY_ENTRY_SIZE) {
      int firstByte = DiskReads.uint8(entries, at);
      if (firstByte == 0) {
        return DirectoryScan.END;
      }
      int attributes = DiskReads.uint8(entries, at + ATTRIBUTE_OFFSET);
      boolean label =
          firstByte != DELETED
              && attributes != ATTRIBUTE_LONG_NAME
              && (attributes & (ATTRIBUTE_VOLUME_ID | ATTRIBUTE_DIRECTORY)) == ATTRIBUTE_VOLUME_ID;
      if (label) {
        byte[] raw = new byte[11];
        entries.get(at, raw);
        // A first byte of 0x05 stands for 0xE5, which would otherwise mark a deleted entry.
        raw[0] = firstByte == 0x05 ? (byte) DELETED : raw[0];
        return new DirectoryScan(FatBootSector.cleanLabel(raw));
      }
    }
    return entries.limit() < length ? DirectoryScan.END : DirectoryScan.CONTINUE;
  }

  /** The result of scanning part of a directory: a label entry, the directory's end, or neither. */
  private static final class DirectoryScan {
    static final DirectoryScan END = new DirectoryScan(Optional.empty());
    static final DirectoryScan CONTINUE = new DirectoryScan(Optional.empty());

    final Optional<String> label;

    DirectoryScan(Optional<String> label) {
      this.label = label;
    }
  }
}
