package io.slipway.osimage.disk;

/**
 * A partition for {@link PartitionTableWriter#writeMbr} to write.
 *
 * @param offset byte offset of its first sector, a multiple of 512
 * @param size its size in bytes, a positive multiple of 512
 * @param type the MBR type byte, such as {@link #FAT32_LBA} or {@link #LINUX}; the writer makes
 *     extended partitions itself, so extended types and the GPT protective type are invalid
 * @param bootable whether the entry carries the active flag (0x80)
 */
public record MbrPartitionSpec(long offset, long size, int type, boolean bootable) {

  /** FAT32 addressed by LBA, the type of a Raspberry Pi boot partition. */
  public static final int FAT32_LBA = 0x0c;

  /** A Linux filesystem. */
  public static final int LINUX = 0x83;

  public MbrPartitionSpec {
    PartitionSpecs.checkExtent(offset, size);
    boolean reserved =
        type == 0
            || type == MbrEntry.TYPE_GPT_PROTECTIVE
            || new MbrEntry(0, type, 0, 0).isExtended();
    if (type < 0 || type > 0xff || reserved) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid MBR partition type 0x%02x: use a data partition type such as 0x0c or 0x83;"
                  + " the writer adds the extended partition itself",
              type));
    }
  }

  /** Returns the offset just past its last byte. */
  public long end() {
    return offset + size;
  }
}
