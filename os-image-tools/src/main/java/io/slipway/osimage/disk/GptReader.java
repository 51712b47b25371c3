package io.slipway.osimage.disk;

import io.slipway.osimage.image.ImageBytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the primary GPT: the header at sector 1 and its entry array, both checked against their
 * CRC32. The backup GPT at the end of the disk is never read, so that a compressed image need not
 * be decompressed to its end.
 */
final class GptReader {

  // The 1 MiB bound limits what a damaged or hostile header can make the reader load. It is well
  // above the 16 KiB array that sfdisk, gdisk and parted write by default.
  private static final long MAX_ENTRIES_BYTES = 1024 * 1024;

  private GptReader() {}

  /** Returns the partitions of the image's primary GPT. */
  static PartitionTable read(ImageBytes image) {
    ByteBuffer headerSector =
        DiskReads.readFully(image, DiskReads.SECTOR_SIZE, DiskReads.SECTOR_SIZE, "GPT header");
    GptHeader header = GptHeader.parse(headerSector);
    checkLayout(header);

    int entriesBytes = (int) (header.entryCount() * header.entrySize());
    ByteBuffer entries =
        DiskReads.readFully(
            image,
            header.entriesLba() * DiskReads.SECTOR_SIZE,
            entriesBytes,
            "GPT partition entry array");
    byte[] entryBytes = new byte[entriesBytes];
    entries.get(0, entryBytes);
    long computed = GptHeader.crc32(entryBytes);
    if (computed != header.entriesCrc32()) {
      throw GptHeader.invalid(
          String.format(
              "the GPT partition entry array's CRC32 is 0x%08x in the header, but its bytes give"
                  + " 0x%08x, so the entries are damaged",
              header.entriesCrc32(), computed));
    }

    List<Partition> partitions = new ArrayList<>();
    for (int index = 0; index < header.entryCount(); index++) {
      GptEntry entry = GptEntry.parse(entries, (int) (index * header.entrySize()));
      if (entry.isUnused()) {
        continue;
      }
      checkExtent(header, entry, index + 1);
      partitions.add(
          new Partition(
              index + 1,
              entry.firstLba() * DiskReads.SECTOR_SIZE,
              (entry.lastLba() - entry.firstLba() + 1) * DiskReads.SECTOR_SIZE,
              entry.type().toString().toLowerCase(Locale.ROOT),
              entry.name()));
    }
    return new PartitionTable(PartitionScheme.GPT, DiskReads.SECTOR_SIZE, partitions);
  }

  private static void checkLayout(GptHeader header) {
    if (header.currentLba() != 1) {
      throw GptHeader.invalid(
          "the GPT header at sector 1 records its own location as sector " + header.currentLba());
    }
    if (header.entrySize() < GptEntry.SIZE || header.entrySize() % 8 != 0) {
      throw GptHeader.invalid(
          "the GPT entry size is "
              + header.entrySize()
              + " bytes; it must be a multiple of 8 and at least 128");
    }
    if (header.entryCount() * header.entrySize() > MAX_ENTRIES_BYTES) {
      throw GptHeader.invalid(
          "the GPT entry array is "
              + header.entryCount()
              + " entries of "
              + header.entrySize()
              + " bytes, more than the "
              + MAX_ENTRIES_BYTES
              + " bytes Slipway reads");
    }
    long entriesBytes = header.entryCount() * header.entrySize();
    long entriesEndLba =
        header.entriesLba() + (entriesBytes + DiskReads.SECTOR_SIZE - 1) / DiskReads.SECTOR_SIZE;
    // The specification places the primary array after the header and before the first usable
    // sector, and checking it here keeps a damaged header from sending reads deep into the image.
    if (header.entriesLba() < 2
        || entriesEndLba > header.firstUsableLba()
        || header.firstUsableLba() > header.lastUsableLba()) {
      throw GptHeader.invalid(
          "the GPT header places its entries at sectors "
              + header.entriesLba()
              + " to "
              + (entriesEndLba - 1)
              + " and the usable sectors at "
              + header.firstUsableLba()
              + " to "
              + header.lastUsableLba()
              + ", but the entries must lie between sector 1 and the first usable sector");
    }
  }

  private static void checkExtent(GptHeader header, GptEntry entry, int number) {
    boolean inside =
        entry.firstLba() >= header.firstUsableLba()
            && entry.firstLba() <= entry.lastLba()
            && entry.lastLba() <= header.lastUsableLba();
    if (!inside) {
      throw GptHeader.invalid(
          "partition "
              + number
              + " spans sectors "
              + entry.firstLba()
              + " to "
              + entry.lastLba()
              + ", outside the usable sectors "
              + header.firstUsableLba()
              + " to "
              + header.lastUsableLba());
    }
  }
}
