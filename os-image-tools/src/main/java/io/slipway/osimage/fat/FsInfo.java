package io.slipway.osimage.fat;

import de.waldheinz.fs.BlockDevice;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FAT32 FSInfo sector: a free-cluster count and a next-free-cluster hint that the FAT
 * specification lets be 0xFFFFFFFF ("unknown"). fat32-lib 0.6.5 reads the count as a signed 32-bit
 * value and rejects any count below the FAT's real free count, so it rejects "unknown" (read as -1)
 * and every stale count that is too low. Before the library opens a filesystem we therefore present
 * it an FSInfo sector with the count computed from the FAT, and after it flushed we make sure the
 * count matches the final FAT. Stateless.
 */
final class FsInfo {

  private static final Logger log = LoggerFactory.getLogger(FsInfo.class);

  private static final int LEAD_SIGNATURE = 0x41615252;
  private static final int STRUCTURE_SIGNATURE = 0x61417272;
  private static final int FREE_COUNT = 488;
  private static final int NEXT_FREE = 492;
  private static final long UNKNOWN = 0xffffffffL;

  private FsInfo() {}

  /**
   * Writes {@code freeClusters} into the FSInfo sector on {@code device} when it contains another
   * count, so that fat32-lib opens the filesystem.
   *
   * @throws OsImageException {@code UNSUPPORTED_FILESYSTEM} when the sector lacks its signatures
   */
  static void presentCount(BlockDevice device, FatGeometry geometry, long freeClusters, String name)
      throws IOException {
    ByteBuffer sector = read(device, geometry, name);
    long stored = sector.getInt(FREE_COUNT) & 0xffffffffL;
    if (stored == freeClusters) {
      return;
    }
    if (stored == UNKNOWN) {
      log.debug(
          "FSInfo free cluster count of {} is unknown; using {} from the FAT", name, freeClusters);
    } else {
      log.warn(
          "FSInfo free cluster count of {} is {} but the FAT has {} free; using the FAT's count",
          name,
          stored,
          freeClusters);
    }
    sector.putInt(FREE_COUNT, (int) freeClusters);
    device.write(geometry.fsInfoOffset(), sector.clear());
  }

  /**
   * Makes the FSInfo sector on {@code device} agree with {@code fat}: the free count set to the
   * FAT's, and a next-free hint outside the data area replaced by "unknown".
   */
  static void reconcile(BlockDevice device, FatGeometry geometry, FatTable fat, String name)
      throws IOException {
    ByteBuffer sector = read(device, geometry, name);
    long freeClusters = fat.freeClusters();
    long hint = sector.getInt(NEXT_FREE) & 0xffffffffL;
    boolean hintValid =
        hint == UNKNOWN || (hint >= FatGeometry.FIRST_CLUSTER && hint <= fat.lastCluster());
    if ((sector.getInt(FREE_COUNT) & 0xffffffffL) == freeClusters && hintValid) {
      return;
    }
    sector.putInt(FREE_COUNT, (int) freeClusters);
    if (!hintValid) {
      sector.putInt(NEXT_FREE, (int) UNKNOWN);
    }
    device.write(geometry.fsInfoOffset(), sector.clear());
  }

  private static ByteBuffer read(BlockDevice device, FatGeometry geometry, String name)
      throws IOException {
    ByteBuffer sector = ByteBuffer.allocate(FatGeometry.SECTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    device.read(geometry.fsInfoOffset(), sector);
    boolean signed =
        sector.getInt(0) == LEAD_SIGNATURE
            && sector.getInt(484) == STRUCTURE_SIGNATURE
            && (sector.getShort(510) & 0xffff) == 0xaa55;
    if (!signed) {
      throw new OsImageException(
          OsImageFailure.UNSUPPORTED_FILESYSTEM,
          "The FAT32 filesystem of "
              + name
              + " has no valid FSInfo sector at sector "
              + geometry.fsInfoSector()
              + ". Repair it with fsck.fat or format the partition again with mkfs.vfat.");
    }
    return sector;
  }
}
