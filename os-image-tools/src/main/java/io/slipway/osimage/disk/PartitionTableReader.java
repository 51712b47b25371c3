package io.slipway.osimage.disk;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.image.ImageBytes;

/** Reads the MBR or GPT partition table at the start of a disk image. Stateless, thread-safe. */
public final class PartitionTableReader {

  private PartitionTableReader() {}

  /**
   * Reads the partition table of {@code image}: MBR with primary, extended and logical partitions,
   * or GPT behind a protective MBR (the primary header and entries only; the backup at the end of
   * the disk is not read, so a compressed image need not be read to its end).
   *
   * @throws OsImageException {@code NOT_A_DISK_IMAGE} when there is no valid table
   */
  public static PartitionTable read(ImageBytes image) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
