package io.slipway.osimage.ext4;

import static io.slipway.osimage.ext4.Ext4Formatter.BLOCKS_PER_GROUP;
import static io.slipway.osimage.ext4.Ext4Formatter.BLOCK_SIZE;
import static io.slipway.osimage.ext4.Ext4Formatter.BYTES_PER_INODE;
import static io.slipway.osimage.ext4.Ext4Formatter.DESCRIPTOR_SIZE;
import static io.slipway.osimage.ext4.Ext4Formatter.INODE_SIZE;
import static io.slipway.osimage.ext4.Ext4Formatter.LOST_AND_FOUND_BLOCKS;
import static io.slipway.osimage.ext4.Ext4Formatter.LOST_AND_FOUND_INODE;

/**
 * The placement of each block group's metadata and of group 0's directories and journal. Every
 * group starts with its superblock copy and group descriptors (groups 0, 1 and powers of 3, 5 and 7
 * only, as sparse_super has it), then its block bitmap, inode bitmap and inode table. Group 0
 * continues with the root directory, lost+found and the journal, so every group's used blocks are
 * one run from its first block.
 *
 * @param blockCount blocks in the filesystem
 * @param groupCount block groups
 * @param inodesPerGroup inodes in each group, a multiple of the inodes per block
 * @param journalBlocks blocks of the journal
 */
record Ext4Layout(long blockCount, int groupCount, int inodesPerGroup, int journalBlocks) {

  /** Blocks a group needs beyond its metadata before a short last group is worth keeping. */
  private static final int MIN_DATA_BLOCKS_IN_LAST_GROUP = 50;

  /** Returns the layout for {@code availableBlocks} blocks, less a last group that is too short. */
  static Ext4Layout of(long availableBlocks) {
    long blocks = availableBlocks;
    while (true) {
      Ext4Layout layout = ofExactly(blocks);
      int last = layout.groupCount - 1;
      long needed = layout.metadataBlocks(last) + MIN_DATA_BLOCKS_IN_LAST_GROUP;
      if (last == 0 || layout.blocksInGroup(last) >= needed) {
        return layout;
      }
      blocks = (long) last * BLOCKS_PER_GROUP;
    }
  }

  private static Ext4Layout ofExactly(long blocks) {
    int groups = (int) ((blocks + BLOCKS_PER_GROUP - 1) / BLOCKS_PER_GROUP);
    long inodes = blocks * BLOCK_SIZE / BYTES_PER_INODE;
    int inodesPerBlock = BLOCK_SIZE / INODE_SIZE;
    long perGroup = (inodes + groups - 1) / groups;
    perGroup = (perGroup + inodesPerBlock - 1) / inodesPerBlock * inodesPerBlock;
    perGroup = Math.max(perGroup, inodesPerBlock);
    return new Ext4Layout(blocks, groups, (int) perGroup, journalBlocksFor(blocks));
  }

  /** Returns the journal size mke2fs picks for a filesystem of this many blocks, up to 64 MiB. */
  private static int journalBlocksFor(long blocks) {
    if (blocks < 32768) {
      return 1024;
    }
    if (blocks < 256 * 1024) {
      return 4096;
    }
    return 16384;
  }

  int inodeCount() {
    return inodesPerGroup * groupCount;
  }

  int descriptorBlocks() {
    return (groupCount * DESCRIPTOR_SIZE + BLOCK_SIZE - 1) / BLOCK_SIZE;
  }

  int inodeTableBlocks() {
    return inodesPerGroup * INODE_SIZE / BLOCK_SIZE;
  }

  long firstBlock(int group) {
    return (long) group * BLOCKS_PER_GROUP;
  }

  int blocksInGroup(int group) {
    return (int) Math.min(BLOCKS_PER_GROUP, blockCount - firstBlock(group));
  }

  /** Returns whether {@code group} holds a superblock copy: 0, 1 and powers of 3, 5 and 7. */
  boolean hasSuperblockCopy(int group) {
    return group <= 1 || isPowerOf(group, 3) || isPowerOf(group, 5) || isPowerOf(group, 7);
  }

  private static boolean isPowerOf(int value, int base) {
    int power = base;
    while (power < value) {
      power *= base;
    }
    return power == value;
  }

  long blockBitmap(int group) {
    int superblockBlocks = hasSuperblockCopy(group) ? 1 + descriptorBlocks() : 0;
    return firstBlock(group) + superblockBlocks;
  }

  long inodeBitmap(int group) {
    return blockBitmap(group) + 1;
  }

  long inodeTable(int group) {
    return blockBitmap(group) + 2;
  }

  private int metadataBlocks(int group) {
    return (int) (inodeTable(group) + inodeTableBlocks() - firstBlock(group));
  }

  long rootDirectoryBlock() {
    return inodeTable(0) + inodeTableBlocks();
  }

  long lostAndFoundBlock() {
    return rootDirectoryBlock() + 1;
  }

  long journalBlock() {
    return lostAndFoundBlock() + LOST_AND_FOUND_BLOCKS;
  }

  /** Returns how many blocks from the group's first are in use. */
  int usedBlocks(int group) {
    if (group == 0) {
      return (int) (journalBlock() + journalBlocks);
    }
    return metadataBlocks(group);
  }

  int freeBlocks(int group) {
    return blocksInGroup(group) - usedBlocks(group);
  }

  int freeInodes(int group) {
    return group == 0 ? inodesPerGroup - LOST_AND_FOUND_INODE : inodesPerGroup;
  }

  long freeBlockCount() {
    long free = 0;
    for (int group = 0; group < groupCount; group++) {
      free += freeBlocks(group);
    }
    return free;
  }

  int freeInodeCount() {
    return inodeCount() - LOST_AND_FOUND_INODE;
  }
}
