package io.slipway.osimage.disk;

import io.slipway.osimage.image.ImagePatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes a DOS partition table: up to four primary partitions, or three primaries and an extended
 * partition holding the rest as logical partitions, each behind its extended boot record (EBR).
 */
final class MbrWriter {

  /** The type of the extended partition: extended, addressed by LBA. */
  static final int EXTENDED_LBA = 0x0f;

  /** The type of the link entries between EBRs, which fdisk and sfdisk also write. */
  static final int EXTENDED_LINK = 0x05;

  private static final int PRIMARY_SLOTS = 4;
  private static final int DISK_SIGNATURE_OFFSET = 440;
  private static final long MAX_SECTORS = 0xFFFF_FFFFL;
  // Linux numbers logical partitions from 5 and gives a disk at most 256 partitions.
  private static final int MAX_LOGICAL = 252;

  private MbrWriter() {}

  static ImagePatch write(long diskSize, int diskSignature, List<MbrPartitionSpec> partitions) {
    check(diskSize, partitions);
    ImagePatch.Builder patch = ImagePatch.builder();
    ByteBuffer mbr = sector();
    mbr.putInt(DISK_SIGNATURE_OFFSET, diskSignature);

    int primaryCount = partitions.size() <= PRIMARY_SLOTS ? partitions.size() : PRIMARY_SLOTS - 1;
    for (int slot = 0; slot < primaryCount; slot++) {
      MbrPartitionSpec partition = partitions.get(slot);
      long first = lba(partition.offset());
      entry(partition, first).writeTo(mbr, slot, first);
    }

    if (partitions.size() > PRIMARY_SLOTS) {
      List<MbrPartitionSpec> logical = partitions.subList(primaryCount, partitions.size());
      long extendedStart = lba(partitions.get(primaryCount - 1).end());
      long extendedEnd = lba(logical.get(logical.size() - 1).end());
      new MbrEntry(0, EXTENDED_LBA, extendedStart, extendedEnd - extendedStart)
          .writeTo(mbr, primaryCount, extendedStart);
      writeEbrs(patch, logical, extendedStart);
    }

    patch.write(0, mbr.array());
    return patch.build();
  }

  /**
   * Writes one EBR per logical partition, each in the first sector after the partition before it,
   * so that the first EBR starts the extended partition.
   */
  private static void writeEbrs(
      ImagePatch.Builder patch, List<MbrPartitionSpec> logical, long extendedStart) {
    long ebrLba = extendedStart;
    for (int index = 0; index < logical.size(); index++) {
      MbrPartitionSpec partition = logical.get(index);
      ByteBuffer ebr = sector();
      long first = lba(partition.offset());
      entry(partition, first - ebrLba).writeTo(ebr, 0, first);

      long nextEbrLba = lba(partition.end());
      if (index + 1 < logical.size()) {
        long nextEnd = lba(logical.get(index + 1).end());
        new MbrEntry(0, EXTENDED_LINK, nextEbrLba - extendedStart, nextEnd - nextEbrLba)
            .writeTo(ebr, 1, nextEbrLba);
      }
      patch.write(ebrLba * DiskReads.SECTOR_SIZE, ebr.array());
      ebrLba = nextEbrLba;
    }
  }

  private static void check(long diskSize, List<MbrPartitionSpec> partitions) {
    PartitionSpecs.checkDiskSize(diskSize, 2 * DiskReads.SECTOR_SIZE);
    if (lba(diskSize) > MAX_SECTORS + 1) {
      throw new IllegalArgumentException(
          "Invalid disk size " + diskSize + ": an MBR addresses at most 2 TiB; use GPT");
    }
    if (partitions.isEmpty() || partitions.size() > PRIMARY_SLOTS - 1 + MAX_LOGICAL) {
      throw new IllegalArgumentException(
          "Invalid partition count "
              + partitions.size()
              + ": an MBR image needs 1 to "
              + (PRIMARY_SLOTS - 1 + MAX_LOGICAL));
    }
    PartitionSpecs.checkPlacement(
        partitions,
        MbrPartitionSpec::offset,
        MbrPartitionSpec::size,
        DiskReads.SECTOR_SIZE,
        diskSize);
    if (partitions.size() <= PRIMARY_SLOTS) {
      return;
    }
    // Each logical partition needs a free sector before it, after the partition in front, for
    // its EBR.
    for (int index = PRIMARY_SLOTS - 1; index < partitions.size(); index++) {
      if (partitions.get(index).offset() <= partitions.get(index - 1).end()) {
        throw new IllegalArgumentException(
            "Invalid logical partition "
                + partitions.get(index)
                + ": it starts right after the partition before it, leaving no sector for its"
                + " EBR; leave a gap of at least 512 bytes");
      }
    }
  }

  private static MbrEntry entry(MbrPartitionSpec partition, long relativeFirst) {
    return new MbrEntry(
        partition.bootable() ? 0x80 : 0x00, partition.type(), relativeFirst, lba(partition.size()));
  }

  private static ByteBuffer sector() {
    ByteBuffer sector = ByteBuffer.allocate(DiskReads.SECTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    MbrEntry.writeSignature(sector);
    return sector;
  }

  private static long lba(long bytes) {
    return bytes / DiskReads.SECTOR_SIZE;
  }
}
