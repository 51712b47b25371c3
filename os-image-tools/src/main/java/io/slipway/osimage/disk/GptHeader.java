package io.slipway.osimage.disk;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * A GPT header (UEFI specification 2.10, section 5.3.2), as sector numbers.
 *
 * @param currentLba the sector holding this header: 1 for the primary, the last sector for the
 *     backup
 * @param alternateLba the sector holding the other header
 * @param firstUsableLba the first sector partitions may use
 * @param lastUsableLba the last sector partitions may use
 * @param diskGuid the disk's GUID
 * @param entriesLba the first sector of this header's partition entry array
 * @param entryCount the number of entries in the array
 * @param entrySize the size of one entry in bytes
 * @param entriesCrc32 the CRC32 of the whole entry array
 */
record GptHeader(
    long currentLba,
    long alternateLba,
    long firstUsableLba,
    long lastUsableLba,
    UUID diskGuid,
    long entriesLba,
    long entryCount,
    long entrySize,
    long entriesCrc32) {

  /** The size of the header this package writes, that of revision 1.0. */
  static final int SIZE = 92;

  private static final byte[] SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
  private static final int REVISION_1_0 = 0x0001_0000;
  private static final int CRC_OFFSET = 16;

  GptHeader {
    Objects.requireNonNull(diskGuid, "diskGuid");
  }

  /**
   * Parses the header in {@code sector} after checking its signature, size and CRC32.
   *
   * @throws OsImageException {@code NOT_A_DISK_IMAGE} naming what is wrong
   */
  static GptHeader parse(ByteBuffer sector) {
    ByteBuffer header = sector.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    byte[] signature = new byte[SIGNATURE.length];
    header.get(0, signature);
    if (!Arrays.equals(signature, SIGNATURE)) {
      throw invalid(
          "the protective MBR announces a GPT, but sector 1 does not start with the GPT signature"
              + " 'EFI PART'");
    }

    long headerSize = DiskReads.uint32(header, 12);
    if (headerSize < SIZE || headerSize > DiskReads.SECTOR_SIZE) {
      throw invalid(
          "the GPT header size is "
              + headerSize
              + " bytes, outside the valid 92 to 512 (with 512-byte sectors)");
    }

    long stored = DiskReads.uint32(header, CRC_OFFSET);
    long computed = crc32(header, (int) headerSize);
    if (stored != computed) {
      throw invalid(
          String.format(
              "the primary GPT header's CRC32 is 0x%08x, but its bytes give 0x%08x, so the header"
                  + " is damaged",
              stored, computed));
    }

    return new GptHeader(
        header.getLong(24),
        header.getLong(32),
        header.getLong(40),
        header.getLong(48),
        Guids.read(header, 56),
        header.getLong(72),
        DiskReads.uint32(header, 80),
        DiskReads.uint32(header, 84),
        DiskReads.uint32(header, 88));
  }

  /** Returns the header as one 512-byte sector, its CRC32 computed. */
  byte[] toSector() {
    ByteBuffer sector = ByteBuffer.allocate(DiskReads.SECTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    sector.put(0, SIGNATURE);
    sector.putInt(8, REVISION_1_0);
    sector.putInt(12, SIZE);
    sector.putLong(24, currentLba);
    sector.putLong(32, alternateLba);
    sector.putLong(40, firstUsableLba);
    sector.putLong(48, lastUsableLba);
    Guids.write(sector, 56, diskGuid);
    sector.putLong(72, entriesLba);
    sector.putInt(80, (int) entryCount);
    sector.putInt(84, (int) entrySize);
    sector.putInt(88, (int) entriesCrc32);
    sector.putInt(CRC_OFFSET, (int) crc32(sector, SIZE));
    return sector.array();
  }

  /** Returns the CRC32 of the first {@code length} bytes of the header, its CRC field as zero. */
  private static long crc32(ByteBuffer header, int length) {
    byte[] bytes = new byte[length];
    header.get(0, bytes);
    Arrays.fill(bytes, CRC_OFFSET, CRC_OFFSET + 4, (byte) 0);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }

  /** Returns the CRC32 of {@code bytes}, as GPT stores it for the entry array. */
  static long crc32(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }

  /**
   * Returns the error for a damaged or invalid primary GPT, {@code problem} saying what is wrong.
   */
  static OsImageException invalid(String problem) {
    return new OsImageException(
        OsImageFailure.NOT_A_DISK_IMAGE,
        "Not a valid GPT disk image: "
            + problem
            + "; repair the table (gdisk can rebuild the primary GPT from the backup) or use an"
            + " undamaged image");
  }
}
