package io.slipway.osimage.disk;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.image.ImageBytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a DOS partition table: four primary entries, and the chain of extended boot records (EBR)
 * of each extended partition, numbering partitions as the Linux kernel does.
 */
final class MbrReader {

  // Linux gives a disk at most 256 partitions, so a longer chain is damaged or hostile.
  private static final int MAX_EBRS = 256;

  private MbrReader() {}

  /** Returns the partitions of the MBR in {@code mbr}, the image's sector 0. */
  static PartitionTable read(ImageBytes image, ByteBuffer mbr) {
    List<Partition> partitions = new ArrayList<>();
    List<MbrEntry> extendedEntries = new ArrayList<>();
    for (int slot = 0; slot < 4; slot++) {
      MbrEntry entry = MbrEntry.parse(mbr, slot);
      checkBootIndicator(mbr, entry, slot);
      if (entry.isUnused()) {
        continue;
      }
      if (entry.isExtended()) {
        extendedEntries.add(entry);
        continue;
      }
      partitions.add(partition(slot + 1, entry.firstLba(), entry));
    }

    Set<Long> visited = new HashSet<>();
    for (MbrEntry extended : extendedEntries) {
      readLogical(image, extended, partitions, visited);
    }

    if (partitions.isEmpty() && extendedEntries.isEmpty()) {
      throw notPartitioned(mbr, "the MBR lists no partitions");
    }
    return new PartitionTable(PartitionScheme.MBR, DiskReads.SECTOR_SIZE, partitions);
  }

  /**
   * Appends the logical partitions of {@code extended}, numbered from 5 on across all extended
   * partitions. Entries of an EBR past its second are often garbage, so they count only when they
   * lie inside the extended partition, the check Linux applies.
   */
  private static void readLogical(
      ImageBytes image, MbrEntry extended, List<Partition> partitions, Set<Long> visited) {
    long extendedStart = extended.firstLba();
    long extendedEnd = extendedStart + extended.sectorCount();
    long ebrLba = extendedStart;
    long linkSize = extended.sectorCount();
    while (true) {
      checkEbrLink(ebrLba, extendedStart, extendedEnd, visited);
      ByteBuffer ebr =
          DiskReads.readFully(
              image,
              ebrLba * DiskReads.SECTOR_SIZE,
              DiskReads.SECTOR_SIZE,
              "extended boot record (EBR) at sector " + ebrLba);
      if (!MbrEntry.hasSignature(ebr)) {
        // Linux ends the chain here without an error; an empty extended partition looks so.
        return;
      }

      MbrEntry next = null;
      for (int slot = 0; slot < 4; slot++) {
        MbrEntry entry = MbrEntry.parse(ebr, slot);
        if (entry.isUnused()) {
          continue;
        }
        if (entry.isExtended()) {
          next = next == null ? entry : next;
          continue;
        }
        long first = ebrLba + entry.firstLba();
        boolean outside =
            entry.firstLba() + entry.sectorCount() > linkSize
                || first < extendedStart
                || first + entry.sectorCount() > extendedEnd;
        if (slot >= 2 && outside) {
          continue;
        }
        partitions.add(partition(logicalNumber(partitions), first, entry));
      }

      if (next == null) {
        return;
      }
      ebrLba = extendedStart + next.firstLba();
      linkSize = next.sectorCount();
    }
  }

  private static void checkEbrLink(
      long ebrLba, long extendedStart, long extendedEnd, Set<Long> visited) {
    if (ebrLba < extendedStart || ebrLba >= extendedEnd) {
      throw new OsImageException(
          OsImageFailure.NOT_A_DISK_IMAGE,
          "The chain of extended boot records (EBR) links to sector "
              + ebrLba
              + ", outside its extended partition (sectors "
              + extendedStart
              + " to "
              + (extendedEnd - 1)
              + "): the partition table is damaged; repair it with fdisk or use an undamaged"
              + " image");
    }
    if (!visited.add(ebrLba)) {
      throw new OsImageException(
          OsImageFailure.NOT_A_DISK_IMAGE,
          "The chain of extended boot records (EBR) loops back to sector "
              + ebrLba
              + ": the partition table is damaged; repair it with fdisk or use an undamaged"
              + " image");
    }
    if (visited.size() > MAX_EBRS) {
      throw new OsImageException(
          OsImageFailure.NOT_A_DISK_IMAGE,
          "The chain of extended boot records (EBR) is longer than "
              + MAX_EBRS
              + ", more partitions than Linux supports: the partition table is damaged; use an"
              + " undamaged image");
    }
  }

  private static int logicalNumber(List<Partition> partitions) {
    int highest = 4;
    for (Partition partition : partitions) {
      highest = Math.max(highest, partition.number());
    }
    return highest + 1;
  }

  private static void checkBootIndicator(ByteBuffer mbr, MbrEntry entry, int slot) {
    if (entry.status() == 0x00 || entry.status() == 0x80) {
      return;
    }
    throw notPartitioned(
        mbr,
        String.format(
            "MBR entry %d has the boot indicator 0x%02x, neither 0x00 nor 0x80",
            slot + 1, entry.status()));
  }

  /**
   * Returns the error for a sector 0 that contains no partition table, saying when it is a FAT boot
   * sector, the usual case of a filesystem image passed for a disk image.
   */
  private static OsImageException notPartitioned(ByteBuffer mbr, String problem) {
    String kind =
        FatBootSector.parse(mbr).isPresent()
            ? "sector 0 is a FAT boot sector, so this is a filesystem image with no partition table"
            : "sector 0 holds no partition table";
    return new OsImageException(
        OsImageFailure.NOT_A_DISK_IMAGE,
        "Not a disk image: "
            + problem
            + " and "
            + kind
            + "; use an image of a whole, partitioned disk");
  }

  private static Partition partition(int number, long firstLba, MbrEntry entry) {
    return new Partition(
        number,
        firstLba * DiskReads.SECTOR_SIZE,
        entry.sectorCount() * DiskReads.SECTOR_SIZE,
        String.format(Locale.ROOT, "%02x", entry.type()),
        "");
  }
}
