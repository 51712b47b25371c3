package io.slipway.osimage.fat;

import de.waldheinz.fs.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes the structures of an empty FAT16 or FAT32 filesystem: boot sector (and on FAT32 its backup
 * and the FSInfo sector with its backup), both FATs, and a root directory whose only entry is the
 * volume label. We write these ourselves because fat32-lib's formatter takes the volume id from the
 * clock, writes no boot code, leaves the hidden-sector count at 0 and no FSInfo backup. Stateless.
 */
final class FatFormatter {

  static final String OEM_NAME = "SLIPWAY ";

  private static final int SECTOR = FatGeometry.SECTOR_SIZE;
  private static final int MEDIA_FIXED_DISK = 0xf8;
  private static final int FAT32_BACKUP_BOOT_SECTOR = 6;
  private static final int FAT32_FS_INFO_SECTOR = 1;

  /**
   * Boot code for a BIOS that boots the partition anyway: ask the BIOS to try the next device (INT
   * 18h), then halt in a loop.
   */
  private static final byte[] BOOT_CODE = {
    (byte) 0xcd, 0x18, (byte) 0xf4, (byte) 0xeb, (byte) 0xfd
  };

  private FatFormatter() {}

  /**
   * Formats {@code device}.
   *
   * @param hiddenSectors sectors before the partition on its disk, as some boot loaders read them
   * @param label the volume label, at most 11 characters, padded with spaces
   */
  static void format(
      BlockDevice device, FatLayout layout, long hiddenSectors, String label, int volumeId)
      throws IOException {
    byte[] labelBytes = paddedLabel(label);
    ByteBuffer boot = bootSector(layout, hiddenSectors, labelBytes, volumeId);

    ByteBuffer reserved = ByteBuffer.allocate(layout.reservedSectors() * SECTOR);
    reserved.put(0, boot.array());
    if (layout.fat32()) {
      ByteBuffer fsInfo = fsInfoSector(layout.clusterCount() - 1);
      reserved.put(FAT32_FS_INFO_SECTOR * SECTOR, fsInfo.array());
      reserved.put(FAT32_BACKUP_BOOT_SECTOR * SECTOR, boot.array());
      reserved.put((FAT32_BACKUP_BOOT_SECTOR + FAT32_FS_INFO_SECTOR) * SECTOR, fsInfo.array());
    }
    device.write(0, reserved);

    byte[] fat = emptyFat(layout);
    for (int copy = 0; copy < FatLayout.FAT_COUNT; copy++) {
      long offset = (layout.reservedSectors() + copy * layout.sectorsPerFat()) * SECTOR;
      device.write(offset, ByteBuffer.wrap(fat));
    }

    long rootOffset =
        (layout.reservedSectors() + FatLayout.FAT_COUNT * layout.sectorsPerFat()) * SECTOR;
    int rootBytes =
        layout.fat32() ? layout.sectorsPerCluster() * SECTOR : layout.rootEntryCount() * 32;
    ByteBuffer root = ByteBuffer.allocate(rootBytes);
    root.put(labelBytes);
    root.put(11, (byte) DirectoryReader.ATTRIBUTE_VOLUME_LABEL);
    device.write(rootOffset, root.clear());
  }

  private static ByteBuffer bootSector(
      FatLayout layout, long hiddenSectors, byte[] label, int volumeId) {
    ByteBuffer sector = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
    int bootCodeOffset = layout.fat32() ? 0x5a : 0x3e;
    sector.put(0, new byte[] {(byte) 0xeb, (byte) (bootCodeOffset - 2), (byte) 0x90});
    sector.put(3, OEM_NAME.getBytes(StandardCharsets.US_ASCII));
    sector.putShort(11, (short) SECTOR);
    sector.put(13, (byte) layout.sectorsPerCluster());
    sector.putShort(14, (short) layout.reservedSectors());
    sector.put(16, (byte) FatLayout.FAT_COUNT);
    sector.putShort(17, (short) layout.rootEntryCount());
    boolean small = !layout.fat32() && layout.totalSectors() < 0x10000;
    sector.putShort(19, (short) (small ? layout.totalSectors() : 0));
    sector.put(21, (byte) MEDIA_FIXED_DISK);
    sector.putShort(22, (short) (layout.fat32() ? 0 : layout.sectorsPerFat()));
    sector.putShort(24, (short) 63);
    sector.putShort(26, (short) 255);
    sector.putInt(28, (int) hiddenSectors);
    sector.putInt(32, (int) (small ? 0 : layout.totalSectors()));

    int extended = 36;
    if (layout.fat32()) {
      sector.putInt(36, (int) layout.sectorsPerFat());
      sector.putInt(44, FatGeometry.FIRST_CLUSTER);
      sector.putShort(48, (short) FAT32_FS_INFO_SECTOR);
      sector.putShort(50, (short) FAT32_BACKUP_BOOT_SECTOR);
      extended = 64;
    }
    sector.put(extended, (byte) 0x80);
    sector.put(extended + 2, (byte) 0x29);
    sector.putInt(extended + 3, volumeId);
    sector.put(extended + 7, label);
    String type = layout.fat32() ? "FAT32   " : "FAT16   ";
    sector.put(extended + 18, type.getBytes(StandardCharsets.US_ASCII));

    sector.put(bootCodeOffset, BOOT_CODE);
    sector.putShort(510, (short) 0xaa55);
    return sector;
  }

  private static ByteBuffer fsInfoSector(long freeClusters) {
    ByteBuffer sector = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
    sector.putInt(0, 0x41615252);
    sector.putInt(484, 0x61417272);
    sector.putInt(488, (int) freeClusters);
    sector.putInt(492, FatGeometry.FIRST_CLUSTER + 1);
    sector.putInt(508, 0xaa550000);
    return sector;
  }

  /**
   * Returns one FAT copy: the media entry, the clean end-of-chain entry 1, and on FAT32 the root.
   */
  private static byte[] emptyFat(FatLayout layout) {
    ByteBuffer fat =
        ByteBuffer.allocate(Math.toIntExact(layout.sectorsPerFat() * SECTOR))
            .order(ByteOrder.LITTLE_ENDIAN);
    if (layout.fat32()) {
      fat.putInt(0, 0x0fffff00 | MEDIA_FIXED_DISK);
      fat.putInt(4, 0x0fffffff);
      fat.putInt(8, 0x0fffffff);
    } else {
      fat.putShort(0, (short) (0xff00 | MEDIA_FIXED_DISK));
      fat.putShort(2, (short) 0xffff);
    }
    return fat.array();
  }

  private static byte[] paddedLabel(String label) {
    byte[] padded = "           ".getBytes(StandardCharsets.US_ASCII);
    byte[] given = label.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(given, 0, padded, 0, given.length);
    return padded;
  }
}
