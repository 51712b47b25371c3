package io.slipway.osimage.disk;

import io.slipway.osimage.image.ImagePatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Writes a GPT: the protective MBR, the primary header and a 128-entry array at sectors 1 to 33,
 * and the backup array and header in the last 33 sectors of the disk.
 */
final class GptWriter {

  /** Entries in the array, the minimum the specification allows and what partitioning tools use. */
  static final int ENTRY_COUNT = 128;

  /** Sectors of the entry array: 128 entries of 128 bytes. */
  static final int ENTRY_ARRAY_SECTORS = ENTRY_COUNT * GptEntry.SIZE / DiskReads.SECTOR_SIZE;

  private static final long PRIMARY_HEADER_LBA = 1;
  private static final long PRIMARY_ENTRIES_LBA = 2;
  private static final long FIRST_USABLE_LBA = PRIMARY_ENTRIES_LBA + ENTRY_ARRAY_SECTORS;

  private GptWriter() {}

  static ImagePatch write(long diskSize, UUID diskGuid, List<GptPartitionSpec> partitions) {
    long lastLba = diskSize / DiskReads.SECTOR_SIZE - 1;
    long lastUsableLba = lastLba - ENTRY_ARRAY_SECTORS - 1;
    check(diskSize, lastUsableLba, partitions);

    byte[] entries = entries(partitions);
    long entriesCrc = GptHeader.crc32(entries);
    GptHeader primary =
        new GptHeader(
            PRIMARY_HEADER_LBA,
            lastLba,
            FIRST_USABLE_LBA,
            lastUsableLba,
            diskGuid,
            PRIMARY_ENTRIES_LBA,
            ENTRY_COUNT,
            GptEntry.SIZE,
            entriesCrc);
    long backupEntriesLba = lastLba - ENTRY_ARRAY_SECTORS;
    GptHeader backup =
        new GptHeader(
            lastLba,
            PRIMARY_HEADER_LBA,
            FIRST_USABLE_LBA,
            lastUsableLba,
            diskGuid,
            backupEntriesLba,
            ENTRY_COUNT,
            GptEntry.SIZE,
            entriesCrc);

    return ImagePatch.builder()
        .write(0, protectiveMbr(lastLba))
        .write(PRIMARY_HEADER_LBA * DiskReads.SECTOR_SIZE, primary.toSector())
        .write(PRIMARY_ENTRIES_LBA * DiskReads.SECTOR_SIZE, entries)
        .write(backupEntriesLba * DiskReads.SECTOR_SIZE, entries)
        .write(lastLba * DiskReads.SECTOR_SIZE, backup.toSector())
        .build();
  }

  /** Returns the protective MBR: one entry of type 0xee from sector 1 to the end, or 2 TiB. */
  private static byte[] protectiveMbr(long lastLba) {
    ByteBuffer mbr = ByteBuffer.allocate(DiskReads.SECTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    long sectors = Math.min(lastLba, 0xFFFF_FFFFL);
    new MbrEntry(0, MbrEntry.TYPE_GPT_PROTECTIVE, PRIMARY_HEADER_LBA, sectors)
        .writeTo(mbr, 0, PRIMARY_HEADER_LBA);
    MbrEntry.writeSignature(mbr);
    return mbr.array();
  }

  private static byte[] entries(List<GptPartitionSpec> partitions) {
    ByteBuffer entries = ByteBuffer.allocate(ENTRY_COUNT * GptEntry.SIZE);
    for (int index = 0; index < partitions.size(); index++) {
      GptPartitionSpec partition = partitions.get(index);
      new GptEntry(
              partition.type(),
              partition.guid(),
              partition.offset() / DiskReads.SECTOR_SIZE,
              partition.end() / DiskReads.SECTOR_SIZE - 1,
              partition.attributes(),
              partition.name())
          .writeTo(entries, index * GptEntry.SIZE);
    }
    return entries.array();
  }

  private static void check(long diskSize, long lastUsableLba, List<GptPartitionSpec> partitions) {
    long minimumSectors = FIRST_USABLE_LBA + 1 + ENTRY_ARRAY_SECTORS + 1;
    PartitionSpecs.checkDiskSize(diskSize, minimumSectors * DiskReads.SECTOR_SIZE);
    if (partitions.isEmpty() || partitions.size() > ENTRY_COUNT) {
      throw new IllegalArgumentException(
          "Invalid partition count " + partitions.size() + ": a GPT image needs 1 to 128");
    }

    Set<UUID> guids = new HashSet<>();
    for (GptPartitionSpec partition : partitions) {
      if (!guids.add(partition.guid())) {
        throw new IllegalArgumentException(
            "Duplicate partition GUID " + partition.guid() + ": give every partition its own");
      }
    }

    List<GptPartitionSpec> sorted =
        partitions.stream().sorted(Comparator.comparingLong(GptPartitionSpec::offset)).toList();
    PartitionSpecs.checkPlacement(
        sorted,
        GptPartitionSpec::offset,
        GptPartitionSpec::size,
        FIRST_USABLE_LBA * DiskReads.SECTOR_SIZE,
        (lastUsableLba + 1) * DiskReads.SECTOR_SIZE);
  }
}
