package io.slipway.osimage.ext4;

import io.slipway.osimage.image.ImagePatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Objects;
import java.util.UUID;

/**
 * Creates an empty ext4 filesystem, the way {@code mkfs.ext4} would but without running it: a root
 * directory, {@code lost+found} and a journal. The result is the list of blocks that are not all
 * zeros. The filesystem is valid once they are written over a region of zeros, so a caller that
 * writes sparse files never writes its empty inode tables or data blocks.
 *
 * <p>The feature set is kept small: {@code has_journal}, {@code ext_attr}, {@code dir_index},
 * {@code filetype}, {@code extents}, {@code sparse_super}, {@code large_file}, {@code huge_file},
 * {@code dir_nlink} and {@code extra_isize}. There is no {@code 64bit} (so at most 16 TiB), no
 * {@code flex_bg}, no {@code resize_inode} and no {@code metadata_csum}: without checksums there is
 * nothing to compute, and the kernel and e2fsprogs treat such a filesystem as fully valid ext4.
 * Block size 4 KiB, 256-byte inodes, one inode per 16 KiB, no blocks reserved for root.
 *
 * <p>NOTE: without {@code resize_inode} no descriptor blocks are reserved for growth; resize2fs
 * grows the filesystem offline, but growing it while mounted has not been tested.
 *
 * <p>Stateless and thread-safe. The same arguments give the same bytes.
 */
public final class Ext4Formatter {

  /** The smallest filesystem this formats: 8 MiB, room for metadata and a 4 MiB journal. */
  public static final long MIN_SIZE = 8L << 20;

  /** The largest filesystem this formats: 2^32 blocks of 4 KiB, since it has no 64bit feature. */
  public static final long MAX_SIZE = (1L << 32) * 4096 - 4096;

  static final int BLOCK_SIZE = 4096;
  static final int INODE_SIZE = 256;
  static final int BLOCKS_PER_GROUP = BLOCK_SIZE * 8;
  static final int BYTES_PER_INODE = 16384;
  static final int DESCRIPTOR_SIZE = 32;
  static final int ROOT_INODE = 2;
  static final int JOURNAL_INODE = 8;
  static final int LOST_AND_FOUND_INODE = 11;
  static final int LOST_AND_FOUND_BLOCKS = 4;

  private Ext4Formatter() {}

  /**
   * Returns the non-zero blocks of a new, empty ext4 filesystem of at most {@code size} bytes, at
   * offsets from the filesystem's first byte. The filesystem uses {@code size} rounded down to 4
   * KiB, less a last block group too small to hold its own metadata.
   *
   * @param size the bytes available, at least {@link #MIN_SIZE} and at most {@link #MAX_SIZE}
   * @param label the volume label, at most 16 bytes of UTF-8
   * @param uuid the filesystem UUID, which also seeds the directory hash
   * @param createdAt the creation, write and check time, seconds since the epoch
   * @throws IllegalArgumentException for a size out of range or a label too long
   */
  public static ImagePatch format(long size, String label, UUID uuid, long createdAt) {
    Objects.requireNonNull(uuid, "uuid");
    byte[] labelBytes = label.getBytes(StandardCharsets.UTF_8);
    if (labelBytes.length > 16) {
      throw new IllegalArgumentException(
          "Invalid ext4 label '" + label + "': use at most 16 bytes");
    }
    if (size < MIN_SIZE || size > MAX_SIZE) {
      throw new IllegalArgumentException(
          "Invalid ext4 size " + size + ": use " + MIN_SIZE + " to " + MAX_SIZE + " bytes");
    }
    Ext4Layout layout = Ext4Layout.of(size / BLOCK_SIZE);
    return new Writer(layout, labelBytes, uuid, createdAt).write();
  }

  /** Collects the blocks of one filesystem. */
  private static final class Writer {

    private final Ext4Layout layout;
    private final byte[] label;
    private final UUID uuid;
    private final int time;
    private final ImagePatch.Builder patch = ImagePatch.builder();

    Writer(Ext4Layout layout, byte[] label, UUID uuid, long createdAt) {
      this.layout = layout;
      this.label = label;
      this.uuid = uuid;
      this.time = (int) createdAt;
    }

    ImagePatch write() {
      byte[] descriptors = groupDescriptors();
      for (int group = 0; group < layout.groupCount(); group++) {
        if (layout.hasSuperblockCopy(group)) {
          writeSuperblockCopy(group, descriptors);
        }
        writeBitmaps(group);
      }
      writeInodes();
      writeDirectories();
      writeJournalSuperblock();
      return patch.build();
    }

    private void writeSuperblockCopy(int group, byte[] descriptors) {
      long firstBlock = layout.firstBlock(group);
      // The primary superblock sits 1024 bytes into block 0; copies start their group's block.
      long superblockOffset = group == 0 ? 1024 : firstBlock * BLOCK_SIZE;
      patch.write(superblockOffset, superblock(group));
      patch.write((firstBlock + 1) * BLOCK_SIZE, descriptors);
    }

    private byte[] superblock(int group) {
      ByteBuffer sb = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
      sb.putInt(0, layout.inodeCount());
      sb.putInt(4, (int) layout.blockCount());
      sb.putInt(8, 0); // no blocks reserved for root
      sb.putInt(12, (int) layout.freeBlockCount());
      sb.putInt(16, layout.freeInodeCount());
      sb.putInt(20, 0); // first data block: 0 with 4 KiB blocks
      sb.putInt(24, 2); // block size 1024 << 2
      sb.putInt(28, 2); // cluster size, equal to the block size without bigalloc
      sb.putInt(32, BLOCKS_PER_GROUP);
      sb.putInt(36, BLOCKS_PER_GROUP);
      sb.putInt(40, layout.inodesPerGroup());

      sb.putInt(48, time); // last write
      sb.putShort(54, (short) -1); // no mount-count check
      sb.putShort(56, (short) 0xEF53);
      sb.putShort(58, (short) 1); // cleanly unmounted
      sb.putShort(60, (short) 1); // continue on errors
      sb.putInt(64, time); // last check
      sb.putInt(76, 1); // dynamic revision: inode size and features are in this superblock
      sb.putInt(84, LOST_AND_FOUND_INODE); // first non-reserved inode
      sb.putShort(88, (short) INODE_SIZE);
      sb.putShort(90, (short) group);

      sb.putInt(92, Ext4Features.COMPAT);
      sb.putInt(96, Ext4Features.INCOMPAT);
      sb.putInt(100, Ext4Features.RO_COMPAT);
      sb.put(104, uuidBytes(uuid));
      sb.put(120, label);

      sb.putInt(224, JOURNAL_INODE);
      putHashSeed(sb);
      sb.put(252, (byte) 1); // directory hash: half MD4, as mke2fs chooses
      sb.put(253, (byte) 1); // s_jnl_blocks holds a copy of the journal inode's blocks
      sb.putInt(264, time); // creation
      putJournalBlocks(sb);
      sb.putShort(348, (short) 32); // minimum extra inode size
      sb.putShort(350, (short) 32); // wanted extra inode size
      sb.putInt(352, 1); // directory hashes use signed char, as on x86
      return sb.array();
    }

    private void putHashSeed(ByteBuffer sb) {
      // A seed that differs from the UUID but follows from it, so output stays deterministic.
      UUID seed = UUID.nameUUIDFromBytes(uuidBytes(uuid));
      sb.put(236, uuidBytes(seed));
    }

    private void putJournalBlocks(ByteBuffer sb) {
      byte[] extents = journalExtents();
      sb.put(268, extents);
      sb.putInt(268 + 15 * 4, 0); // size, high 32 bits
      sb.putInt(268 + 16 * 4, layout.journalBlocks() * BLOCK_SIZE);
    }

    private byte[] groupDescriptors() {
      int blocks = layout.descriptorBlocks();
      ByteBuffer table = ByteBuffer.allocate(blocks * BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      for (int group = 0; group < layout.groupCount(); group++) {
        int at = group * DESCRIPTOR_SIZE;
        table.putInt(at, (int) layout.blockBitmap(group));
        table.putInt(at + 4, (int) layout.inodeBitmap(group));
        table.putInt(at + 8, (int) layout.inodeTable(group));
        table.putShort(at + 12, (short) layout.freeBlocks(group));
        table.putShort(at + 14, (short) layout.freeInodes(group));
        table.putShort(at + 16, (short) (group == 0 ? 2 : 0)); // directories
      }
      return table.array();
    }

    private void writeBitmaps(int group) {
      patch.write(layout.blockBitmap(group) * BLOCK_SIZE, blockBitmap(group));
      patch.write(layout.inodeBitmap(group) * BLOCK_SIZE, inodeBitmap(group));
    }

    private byte[] blockBitmap(int group) {
      BitSet used = new BitSet(BLOCKS_PER_GROUP);
      used.set(0, layout.usedBlocks(group));
      // Bits past the end of a short last group are set, as e2fsck expects.
      used.set(layout.blocksInGroup(group), BLOCKS_PER_GROUP);
      return bitmapBlock(used);
    }

    private byte[] inodeBitmap(int group) {
      BitSet used = new BitSet(BLOCKS_PER_GROUP);
      if (group == 0) {
        used.set(0, LOST_AND_FOUND_INODE);
      }
      used.set(layout.inodesPerGroup(), BLOCKS_PER_GROUP);
      return bitmapBlock(used);
    }

    private static byte[] bitmapBlock(BitSet bits) {
      byte[] block = new byte[BLOCK_SIZE];
      byte[] set = bits.toByteArray();
      System.arraycopy(set, 0, block, 0, set.length);
      return block;
    }

    private void writeInodes() {
      ByteBuffer table =
          ByteBuffer.allocate(LOST_AND_FOUND_INODE * INODE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      putDirectoryInode(
          table, ROOT_INODE, 0755, 3, layout.rootDirectoryBlock(), 1); // ., .. and lost+found
      putDirectoryInode(
          table, LOST_AND_FOUND_INODE, 0700, 2, layout.lostAndFoundBlock(), LOST_AND_FOUND_BLOCKS);
      putJournalInode(table);
      patch.write(layout.inodeTable(0) * BLOCK_SIZE, table.array());
    }

    private void putDirectoryInode(
        ByteBuffer table, int inode, int permissions, int links, long firstBlock, int blocks) {
      int at = (inode - 1) * INODE_SIZE;
      putInode(table, at, 0040000 | permissions, links, (long) blocks * BLOCK_SIZE);
      table.put(at + 40, extentTree(firstBlock, blocks));
    }

    private void putJournalInode(ByteBuffer table) {
      int at = (JOURNAL_INODE - 1) * INODE_SIZE;
      putInode(table, at, 0100600, 1, (long) layout.journalBlocks() * BLOCK_SIZE);
      table.put(at + 40, journalExtents());
    }

    private void putInode(ByteBuffer table, int at, int mode, int links, long bytes) {
      table.putShort(at, (short) mode);
      table.putInt(at + 4, (int) bytes);
      table.putInt(at + 8, time); // access
      table.putInt(at + 12, time); // change
      table.putInt(at + 16, time); // modification
      table.putShort(at + 26, (short) links);
      table.putInt(at + 28, (int) (bytes / 512)); // 512-byte sectors
      table.putInt(at + 32, 0x80000); // the block map is an extent tree
      table.putInt(at + 108, (int) (bytes >>> 32));
      table.putShort(at + 128, (short) 32); // extra inode size
      table.putInt(at + 144, time); // creation
    }

    private byte[] journalExtents() {
      return extentTree(layout.journalBlock(), layout.journalBlocks());
    }

    /** Returns the 60-byte in-inode extent tree mapping {@code blocks} blocks from block 0 on. */
    private static byte[] extentTree(long firstBlock, int blocks) {
      ByteBuffer tree = ByteBuffer.allocate(60).order(ByteOrder.LITTLE_ENDIAN);
      tree.putShort(0, (short) 0xF30A);
      tree.putShort(2, (short) 1); // entries
      tree.putShort(4, (short) 4); // room for four in the inode
      tree.putShort(6, (short) 0); // depth: this is a leaf
      tree.putInt(12, 0); // first logical block
      tree.putShort(16, (short) blocks);
      tree.putShort(18, (short) (firstBlock >>> 32));
      tree.putInt(20, (int) firstBlock);
      return tree.array();
    }

    private void writeDirectories() {
      ByteBuffer root = ByteBuffer.allocate(BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      int at = putEntry(root, 0, ROOT_INODE, 12, ".");
      at = putEntry(root, at, ROOT_INODE, 12, "..");
      putEntry(root, at, LOST_AND_FOUND_INODE, BLOCK_SIZE - at, "lost+found");
      patch.write(layout.rootDirectoryBlock() * BLOCK_SIZE, root.array());

      ByteBuffer lostAndFound =
          ByteBuffer.allocate(LOST_AND_FOUND_BLOCKS * BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      at = putEntry(lostAndFound, 0, LOST_AND_FOUND_INODE, 12, ".");
      putEntry(lostAndFound, at, ROOT_INODE, BLOCK_SIZE - at, "..");
      for (int block = 1; block < LOST_AND_FOUND_BLOCKS; block++) {
        // An empty block is one unused entry spanning it.
        lostAndFound.putShort(block * BLOCK_SIZE + 4, (short) BLOCK_SIZE);
      }
      patch.write(layout.lostAndFoundBlock() * BLOCK_SIZE, lostAndFound.array());
    }

    private static int putEntry(ByteBuffer block, int at, int inode, int length, String name) {
      byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
      block.putInt(at, inode);
      block.putShort(at + 4, (short) length);
      block.put(at + 6, (byte) nameBytes.length);
      block.put(at + 7, (byte) 2); // file type: directory
      block.put(at + 8, nameBytes);
      return at + length;
    }

    private void writeJournalSuperblock() {
      // JBD2 structures are big-endian.
      ByteBuffer journal = ByteBuffer.allocate(1024).order(ByteOrder.BIG_ENDIAN);
      journal.putInt(0, 0xC03B3998);
      journal.putInt(4, 4); // superblock version 2
      journal.putInt(12, BLOCK_SIZE);
      journal.putInt(16, layout.journalBlocks());
      journal.putInt(20, 1); // first log block
      journal.putInt(24, 1); // first expected transaction
      journal.putInt(28, 0); // log start 0: the journal is empty, nothing to recover
      journal.put(48, uuidBytes(uuid));
      journal.putInt(64, 1); // one filesystem uses it
      patch.write(layout.journalBlock() * BLOCK_SIZE, journal.array());
    }

    private static byte[] uuidBytes(UUID value) {
      return ByteBuffer.allocate(16)
          .putLong(value.getMostSignificantBits())
          .putLong(value.getLeastSignificantBits())
          .array();
    }
  }
}
