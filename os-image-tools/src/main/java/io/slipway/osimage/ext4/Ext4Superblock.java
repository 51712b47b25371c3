package io.slipway.osimage.ext4;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Optional;

/**
 * The few fields of an existing ext2/3/4 filesystem's primary superblock that assembling an image
 * needs to check its root filesystem.
 *
 * @param blockCount blocks in the filesystem
 * @param blockSize bytes per block
 * @param createdAt the creation time in seconds since the epoch, or 0 when it was not recorded
 */
public record Ext4Superblock(long blockCount, int blockSize, long createdAt) {

  private static final int OFFSET = 1024;
  private static final int MAGIC = 0xEF53;
  private static final int INCOMPAT_64BIT = 0x80;

  /** Returns the bytes the filesystem spans. */
  public long size() {
    return blockCount * blockSize;
  }

  /**
   * Reads the superblock at byte 1024 of {@code channel}.
   *
   * @return empty when there is none: the file is too short or lacks the magic number 0xEF53
   * @throws IOException when reading fails
   */
  public static Optional<Ext4Superblock> read(FileChannel channel) throws IOException {
    ByteBuffer sb = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
    while (sb.hasRemaining()) {
      if (channel.read(sb, OFFSET + sb.position()) < 0) {
        return Optional.empty();
      }
    }
    if ((sb.getShort(56) & 0xFFFF) != MAGIC) {
      return Optional.empty();
    }
    long blocks = Integer.toUnsignedLong(sb.getInt(4));
    if ((sb.getInt(96) & INCOMPAT_64BIT) != 0) {
      blocks |= Integer.toUnsignedLong(sb.getInt(336)) << 32;
    }
    int logBlockSize = sb.getInt(24);
    if (logBlockSize < 0 || logBlockSize > 6) {
      return Optional.empty();
    }
    long createdAt = Integer.toUnsignedLong(sb.getInt(264));
    return Optional.of(new Ext4Superblock(blocks, 1024 << logBlockSize, createdAt));
  }
}
