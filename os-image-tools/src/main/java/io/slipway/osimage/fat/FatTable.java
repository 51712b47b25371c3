package io.slipway.osimage.fat;

import de.waldheinz.fs.BlockDevice;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of the first FAT copy of a filesystem, read once: free clusters and cluster chains.
 * Our own reader, independent of fat32-lib, so that we can count free clusters before the library
 * opens the filesystem and check its result afterwards. Not safe for concurrent use.
 */
final class FatTable {

  private final FatGeometry geometry;
  private final byte[] fat;

  private FatTable(FatGeometry geometry, byte[] fat) {
    this.geometry = geometry;
    this.fat = fat;
  }

  /** Reads FAT copy 0 from {@code device}. */
  static FatTable read(BlockDevice device, FatGeometry geometry) throws IOException {
    byte[] fat = new byte[Math.toIntExact(geometry.fatBytes())];
    device.read(geometry.fatOffset(0), ByteBuffer.wrap(fat));
    return new FatTable(geometry, fat);
  }

  /** Returns the raw entry of {@code cluster}, without the reserved top bits of FAT32. */
  long entry(long cluster) {
    int index = Math.toIntExact(cluster);
    return switch (geometry.type()) {
      case FAT12 -> {
        int offset = index + index / 2;
        int pair = (fat[offset] & 0xff) | (fat[offset + 1] & 0xff) << 8;
        yield (index & 1) == 0 ? pair & 0xfff : pair >>> 4;
      }
      case FAT16 -> (fat[2 * index] & 0xff) | (fat[2 * index + 1] & 0xff) << 8;
      case FAT32 -> {
        int offset = 4 * index;
        long value =
            (fat[offset] & 0xffL)
                | (fat[offset + 1] & 0xffL) << 8
                | (fat[offset + 2] & 0xffL) << 16
                | (fat[offset + 3] & 0xffL) << 24;
        yield value & 0x0fffffffL;
      }
    };
  }

  /** Returns how many data clusters are free (entry 0). */
  long freeClusters() {
    long free = 0;
    long last = lastCluster();
    for (long cluster = FatGeometry.FIRST_CLUSTER; cluster <= last; cluster++) {
      if (entry(cluster) == 0) {
        free++;
      }
    }
    return free;
  }

  long lastCluster() {
    return geometry.clusterCount() + FatGeometry.FIRST_CLUSTER - 1;
  }

  /**
   * Returns the clusters of the chain starting at {@code start}, in order.
   *
   * @throws OsImageException {@code UNSUPPORTED_FILESYSTEM} when the chain leaves the data area,
   *     reaches a free or bad cluster, or loops
   */
  List<Long> chain(long start, String name) {
    List<Long> clusters = new ArrayList<>();
    long cluster = start;
    long limit = geometry.clusterCount();
    while (true) {
      if (cluster < FatGeometry.FIRST_CLUSTER || cluster > lastCluster()) {
        throw damaged(name, "a cluster chain points to cluster " + cluster);
      }
      if (clusters.size() > limit) {
        throw damaged(name, "the cluster chain starting at " + start + " loops");
      }
      clusters.add(cluster);
      long next = entry(cluster);
      if (isEndOfChain(next)) {
        return clusters;
      }
      if (next == 0 || next == badCluster()) {
        throw damaged(name, "cluster " + cluster + " links to free or bad cluster " + next);
      }
      cluster = next;
    }
  }

  private boolean isEndOfChain(long entry) {
    return switch (geometry.type()) {
      case FAT12 -> entry >= 0xff8;
      case FAT16 -> entry >= 0xfff8;
      case FAT32 -> entry >= 0x0ffffff8L;
    };
  }

  private long badCluster() {
    return switch (geometry.type()) {
      case FAT12 -> 0xff7;
      case FAT16 -> 0xfff7;
      case FAT32 -> 0x0ffffff7L;
    };
  }

  private static OsImageException damaged(String name, String reason) {
    return new OsImageException(
        OsImageFailure.UNSUPPORTED_FILESYSTEM,
        "The FAT filesystem of "
            + name
            + " is damaged: "
            + reason
            + ". Check and repair it with fsck.fat before configuring the image.");
  }
}
