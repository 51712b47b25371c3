package io.slipway.osimage.disk;

import java.nio.ByteBuffer;

/**
 * One 16-byte entry of an MBR or EBR partition table, as sector numbers.
 *
 * @param status the boot indicator: 0x80 active, 0x00 inactive
 * @param type the partition type byte
 * @param firstLba the first sector. MBR entries count from the start of the disk. An EBR's data
 *     entry counts from the EBR, and its link entry from the start of the extended partition.
 * @param sectorCount the number of sectors
 */
record MbrEntry(int status, int type, long firstLba, long sectorCount) {

  /** Byte offset of the first entry in an MBR or EBR sector. */
  static final int TABLE_OFFSET = 446;

  /** Size of one entry in bytes. */
  static final int SIZE = 16;

  /** Byte offset of the 0x55 0xAA signature that ends an MBR, EBR or FAT boot sector. */
  static final int SIGNATURE_OFFSET = 510;

  /** The partition type of a GPT's protective MBR entry. */
  static final int TYPE_GPT_PROTECTIVE = 0xee;

  // Cylinder-head-sector addresses use the 255-head, 63-sector geometry that fdisk and sfdisk
  // assume. Past cylinder 1023 they stay at their maximum, so readers use the LBA fields instead.
  private static final int HEADS = 255;
  private static final int SECTORS_PER_TRACK = 63;
  private static final int MAX_CYLINDER = 1023;

  MbrEntry {
    if (firstLba < 0 || firstLba > 0xFFFF_FFFFL || sectorCount < 0 || sectorCount > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "MBR entry out of range: first sector " + firstLba + ", " + sectorCount + " sectors");
    }
  }

  /** Parses entry {@code index} (0 to 3) of the MBR or EBR in {@code sector} (little-endian). */
  static MbrEntry parse(ByteBuffer sector, int index) {
    int at = TABLE_OFFSET + index * SIZE;
    return new MbrEntry(
        DiskReads.uint8(sector, at),
        DiskReads.uint8(sector, at + 4),
        DiskReads.uint32(sector, at + 8),
        DiskReads.uint32(sector, at + 12));
  }

  /** Returns whether {@code sector} ends with the 0x55 0xAA signature. */
  static boolean hasSignature(ByteBuffer sector) {
    return DiskReads.uint16(sector, SIGNATURE_OFFSET) == 0xAA55;
  }

  /** Writes the 0x55 0xAA signature into {@code sector} (little-endian). */
  static void writeSignature(ByteBuffer sector) {
    sector.putShort(SIGNATURE_OFFSET, (short) 0xAA55);
  }

  /** Returns whether the slot is unused: type 0 or no sectors, as fdisk treats them. */
  boolean isUnused() {
    return type == 0 || sectorCount == 0;
  }

  /** Returns whether this entry is an extended partition (CHS, LBA or Linux kind). */
  boolean isExtended() {
    return type == 0x05 || type == 0x0f || type == 0x85;
  }

  /**
   * Writes this entry as entry {@code index} (0 to 3) of {@code sector} (little-endian), with
   * cylinder-head-sector fields computed from {@code absoluteFirstLba}, the entry's first sector
   * counted from the start of the disk.
   */
  void writeTo(ByteBuffer sector, int index, long absoluteFirstLba) {
    int at = TABLE_OFFSET + index * SIZE;
    sector.put(at, (byte) status);
    putChs(sector, at + 1, absoluteFirstLba);
    sector.put(at + 4, (byte) type);
    putChs(sector, at + 5, absoluteFirstLba + sectorCount - 1);
    sector.putInt(at + 8, (int) firstLba);
    sector.putInt(at + 12, (int) sectorCount);
  }

  private static void putChs(ByteBuffer sector, int at, long lba) {
    long cylinder = lba / (HEADS * SECTORS_PER_TRACK);
    long head = (lba / SECTORS_PER_TRACK) % HEADS;
    long sectorInTrack = lba % SECTORS_PER_TRACK + 1;
    if (cylinder > MAX_CYLINDER) {
      cylinder = MAX_CYLINDER;
      head = HEADS - 1;
      sectorInTrack = SECTORS_PER_TRACK;
    }
    sector.put(at, (byte) head);
    sector.put(at + 1, (byte) (sectorInTrack | ((cylinder >> 2) & 0xC0)));
    sector.put(at + 2, (byte) cylinder);
  }
}
