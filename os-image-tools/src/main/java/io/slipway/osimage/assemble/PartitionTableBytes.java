package io.slipway.osimage.assemble;

import static io.slipway.osimage.assemble.DiskLayout.SECTOR_SIZE;

import io.slipway.osimage.disk.Partition;
import io.slipway.osimage.image.ImagePatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The partition table sectors of an assembled image, as a patch over an image of zeros: the MBR
 * with its extended boot records, or a protective MBR with the primary and backup GPT. Stateless.
 */
final class PartitionTableBytes {

  private static final int GPT_ENTRIES = 128;
  private static final int GPT_ENTRY_SIZE = 128;
  private static final int GPT_ENTRY_SECTORS = GPT_ENTRIES * GPT_ENTRY_SIZE / SECTOR_SIZE;
  private static final byte MBR_BOOTABLE = (byte) 0x80;
  private static final int MBR_EXTENDED_LBA = 0x0F;
  private static final int EBR_LINK = 0x05;
  private static final int GPT_PROTECTIVE = 0xEE;

  private PartitionTableBytes() {}

  /**
   * Returns the MBR and the EBRs of {@code layout}'s logical partitions.
   *
   * @param diskSignature the 32-bit disk identifier Linux shows as the PARTUUID prefix
   */
  static ImagePatch mbr(DiskLayout layout, int diskSignature) {
    long extended = layout.extendedOffset();
    long secondEbr = layout.state().end();

    ByteBuffer mbr = bootSector();
    mbr.putInt(440, diskSignature);
    putEntry(mbr, 0, MBR_BOOTABLE, layout.boot());
    putEntry(mbr, 1, (byte) 0, layout.rootA());
    putEntry(mbr, 2, (byte) 0, layout.rootB());
    putEntry(mbr, 3, MBR_EXTENDED_LBA, extended, layout.diskSize() - extended);

    // An EBR's first entry is relative to the EBR itself, its link entry to the extended start.
    ByteBuffer stateEbr = bootSector();
    putEntry(
        stateEbr,
        0,
        type(layout.state()),
        layout.state().offset() - extended,
        layout.state().size());
    putEntry(stateEbr, 1, EBR_LINK, secondEbr - extended, layout.data().end() - secondEbr);
    ByteBuffer dataEbr = bootSector();
    putEntry(
        dataEbr, 0, type(layout.data()), layout.data().offset() - secondEbr, layout.data().size());

    return ImagePatch.builder()
        .write(0, mbr.array())
        .write(extended, stateEbr.array())
        .write(secondEbr, dataEbr.array())
        .build();
  }

  /**
   * Returns the protective MBR, the primary GPT (sectors 1 to 33) and the backup GPT (the last 33
   * sectors).
   *
   * @param diskGuid the GPT disk GUID
   * @param partitionGuids each partition's unique GUID, in partition order
   */
  static ImagePatch gpt(DiskLayout layout, UUID diskGuid, List<UUID> partitionGuids) {
    long lastSector = layout.diskSize() / SECTOR_SIZE - 1;
    long backupEntries = lastSector - GPT_ENTRY_SECTORS;
    byte[] entries = gptEntries(layout.partitions(), partitionGuids);
    CRC32 entriesCrc = new CRC32();
    entriesCrc.update(entries);

    ByteBuffer protective = bootSector();
    long protectedSectors = Math.min(lastSector, 0xFFFFFFFFL);
    putEntry(protective, 0, (byte) 0, GPT_PROTECTIVE, 1, protectedSectors);

    byte[] primary = gptHeader(1, lastSector, 2, lastSector, diskGuid, entriesCrc);
    byte[] backup = gptHeader(lastSector, 1, backupEntries, lastSector, diskGuid, entriesCrc);
    return ImagePatch.builder()
        .write(0, protective.array())
        .write(SECTOR_SIZE, primary)
        .write(2L * SECTOR_SIZE, entries)
        .write(backupEntries * SECTOR_SIZE, entries)
        .write(lastSector * SECTOR_SIZE, backup)
        .build();
  }

  private static byte[] gptHeader(
      long current,
      long other,
      long entriesStart,
      long lastSector,
      UUID diskGuid,
      CRC32 entriesCrc) {
    ByteBuffer header = ByteBuffer.allocate(SECTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    header.put(0, "EFI PART".getBytes(StandardCharsets.US_ASCII));
    header.putInt(8, 0x00010000); // revision 1.0
    header.putInt(12, 92); // header size
    header.putLong(24, current);
    header.putLong(32, other);
    header.putLong(40, 2 + GPT_ENTRY_SECTORS); // first usable sector
    header.putLong(48, lastSector - 1 - GPT_ENTRY_SECTORS); // last usable sector
    header.put(56, guidBytes(diskGuid));
    header.putLong(72, entriesStart);
    header.putInt(80, GPT_ENTRIES);
    header.putInt(84, GPT_ENTRY_SIZE);
    header.putInt(88, (int) entriesCrc.getValue());
    CRC32 headerCrc = new CRC32();
    headerCrc.update(header.array(), 0, 92);
    header.putInt(16, (int) headerCrc.getValue());
    return header.array();
  }

  private static byte[] gptEntries(List<Partition> partitions, List<UUID> guids) {
    ByteBuffer entries =
        ByteBuffer.allocate(GPT_ENTRIES * GPT_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    for (int index = 0; index < partitions.size(); index++) {
      Partition partition = partitions.get(index);
      int at = index * GPT_ENTRY_SIZE;
      entries.put(at, guidBytes(UUID.fromString(partition.type())));
      entries.put(at + 16, guidBytes(guids.get(index)));
      entries.putLong(at + 32, partition.offset() / SECTOR_SIZE);
      entries.putLong(at + 40, partition.end() / SECTOR_SIZE - 1);
      entries.put(at + 56, partition.name().getBytes(StandardCharsets.UTF_16LE));
    }
    return entries.array();
  }

  /** Returns a GUID in its on-disk form: the first three fields little-endian, the rest as is. */
  private static byte[] guidBytes(UUID guid) {
    ByteBuffer big =
        ByteBuffer.allocate(16)
            .putLong(guid.getMostSignificantBits())
            .putLong(guid.getLeastSignificantBits());
    byte[] bytes = big.array();
    byte[] mixed = bytes.clone();
    mixed[0] = bytes[3];
    mixed[1] = bytes[2];
    mixed[2] = bytes[1];
    mixed[3] = bytes[0];
    mixed[4] = bytes[5];
    mixed[5] = bytes[4];
    mixed[6] = bytes[7];
    mixed[7] = bytes[6];
    return mixed;
  }

  private static ByteBuffer bootSector() {
    ByteBuffer sector = ByteBuffer.allocate(SECTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    sector.put(510, (byte) 0x55);
    sector.put(511, (byte) 0xAA);
    return sector;
  }

  private static int type(Partition partition) {
    return Integer.parseInt(partition.type(), 16);
  }

  private static void putEntry(ByteBuffer sector, int index, byte status, Partition partition) {
    putEntry(
        sector,
        index,
        status,
        type(partition),
        partition.offset() / SECTOR_SIZE,
        partition.size() / SECTOR_SIZE);
  }

  private static void putEntry(ByteBuffer sector, int index, int type, long offset, long size) {
    putEntry(sector, index, (byte) 0, type, offset / SECTOR_SIZE, size / SECTOR_SIZE);
  }

  private static void putEntry(
      ByteBuffer sector, int index, byte status, int type, long firstSector, long sectors) {
    int at = 446 + index * 16;
    sector.put(at, status);
    sector.put(at + 1, chs(firstSector));
    sector.put(at + 4, (byte) type);
    sector.put(at + 5, chs(firstSector + sectors - 1));
    sector.putInt(at + 8, (int) firstSector);
    sector.putInt(at + 12, (int) sectors);
  }

  /**
   * Returns the cylinder-head-sector address of {@code sector} in the usual 255-head, 63-sector
   * geometry, or the largest address (1023/254/63) for sectors beyond it, as LBA-era tools write.
   */
  private static byte[] chs(long sector) {
    long perCylinder = 255L * 63;
    if (sector >= 1024 * perCylinder) {
      return new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF};
    }
    int cylinder = (int) (sector / perCylinder);
    int head = (int) (sector / 63 % 255);
    int sectorInTrack = (int) (sector % 63 + 1);
    return new byte[] {
      (byte) head, (byte) (sectorInTrack | (cylinder >> 2 & 0xC0)), (byte) cylinder
    };
  }
}
