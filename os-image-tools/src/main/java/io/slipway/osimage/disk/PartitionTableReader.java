package io.slipway.osimage.disk;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.image.ImageBytes;
import java.nio.ByteBuffer;
import java.util.OptionalLong;

/** Reads the MBR or GPT partition table at the start of a disk image. Stateless, thread-safe. */
public final class PartitionTableReader {

  private PartitionTableReader() {}

  /**
   * Reads the partition table of {@code image}: MBR with primary, extended and logical partitions,
   * or GPT behind a protective MBR (the primary header and entries only; the backup at the end of
   * the disk is not read, so a compressed image need not be read to its end). An MBR with a GPT
   * protective entry (type {@code ee}) among others, a hybrid MBR, is read as GPT. Sectors are 512
   * bytes.
   *
   * @throws OsImageException {@code NOT_A_DISK_IMAGE} when there is no valid table, its checksums
   *     fail, or (when the image's size is known) a partition ends past the image; {@code IO} when
   *     reading fails
   */
  public static PartitionTable read(ImageBytes image) {
    ByteBuffer mbr = DiskReads.readFully(image, 0, DiskReads.SECTOR_SIZE, "master boot record");
    if (!MbrEntry.hasSignature(mbr)) {
      throw new OsImageException(
          OsImageFailure.NOT_A_DISK_IMAGE,
          String.format(
              "Not a disk image: sector 0 ends in 0x%02x 0x%02x instead of the MBR signature 0x55"
                  + " 0xaa; use a raw image of a whole, partitioned disk (.img), or an archive"
                  + " holding one",
              mbr.get(MbrEntry.SIGNATURE_OFFSET), mbr.get(MbrEntry.SIGNATURE_OFFSET + 1)));
    }

    PartitionTable table =
        hasProtectiveEntry(mbr) ? GptReader.read(image) : MbrReader.read(image, mbr);
    checkWithinImage(table, image.knownSize());
    return table;
  }

  private static boolean hasProtectiveEntry(ByteBuffer mbr) {
    for (int slot = 0; slot < 4; slot++) {
      if (MbrEntry.parse(mbr, slot).type() == MbrEntry.TYPE_GPT_PROTECTIVE) {
        return true;
      }
    }
    return false;
  }

  private static void checkWithinImage(PartitionTable table, OptionalLong imageSize) {
    if (imageSize.isEmpty()) {
      return;
    }
    for (Partition partition : table.partitions()) {
      if (partition.end() > imageSize.getAsLong()) {
        throw new OsImageException(
            OsImageFailure.NOT_A_DISK_IMAGE,
            "Partition "
                + partition.number()
                + " ends at byte "
                + partition.end()
                + ", past the end of the "
                + imageSize.getAsLong()
                + "-byte image: the image is truncated; use the complete image");
      }
    }
  }
}
