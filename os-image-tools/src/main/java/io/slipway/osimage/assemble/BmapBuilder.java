package io.slipway.osimage.assemble;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Builds a bmap file (bmaptool's format 2.0, SHA-256 checksums) from an image's 4 KiB blocks, given
 * in order. A block is mapped unless it is all zeros. Adjacent mapped blocks form one range, and
 * each range carries the SHA-256 of its bytes. Not safe for concurrent use.
 */
final class BmapBuilder {

  static final int BLOCK_SIZE = 4096;

  private static final String CHECKSUM_PLACEHOLDER = "0".repeat(64);

  private final long imageSize;
  private final StringBuilder ranges = new StringBuilder();
  private long nextBlock;
  private long mappedBlocks;
  private long rangeStart = -1;
  private MessageDigest rangeDigest;

  /**
   * @param imageSize the image's size in bytes; its last block may be short
   */
  BmapBuilder(long imageSize) {
    this.imageSize = imageSize;
  }

  /**
   * Adds the next block.
   *
   * @param block the block's bytes, from position to limit: 4 KiB, or less for the image's last
   * @param mapped whether the block holds data, that is, is not all zeros
   */
  void add(ByteBuffer block, boolean mapped) {
    if (mapped) {
      if (rangeStart < 0) {
        rangeStart = nextBlock;
        rangeDigest = StableIds.sha256();
      }
      rangeDigest.update(block);
      mappedBlocks++;
    } else {
      closeRange();
    }
    nextBlock++;
  }

  /** Adds {@code count} blocks of zeros. */
  void addUnmapped(long count) {
    closeRange();
    nextBlock += count;
  }

  private void closeRange() {
    if (rangeStart < 0) {
      return;
    }
    long last = nextBlock - 1;
    String hex = HexFormat.of().formatHex(rangeDigest.digest());
    String blocks = rangeStart == last ? String.valueOf(last) : rangeStart + "-" + last;
    ranges.append("        <Range chksum=\"").append(hex).append("\"> ");
    ranges.append(blocks).append(" </Range>\n");
    rangeStart = -1;
  }

  /**
   * Returns the bmap file, UTF-8, after every block was added.
   *
   * @throws IllegalStateException when the blocks added do not cover the image
   */
  byte[] build() {
    long blocks = (imageSize + BLOCK_SIZE - 1) / BLOCK_SIZE;
    if (nextBlock != blocks) {
      throw new IllegalStateException(
          "The bmap covers " + nextBlock + " blocks but the image has " + blocks);
    }
    closeRange();
    String xml =
        "<?xml version=\"1.0\" ?>\n"
            + "<bmap version=\"2.0\">\n"
            + "    <ImageSize> "
            + imageSize
            + " </ImageSize>\n"
            + "    <BlockSize> "
            + BLOCK_SIZE
            + " </BlockSize>\n"
            + "    <BlocksCount> "
            + blocks
            + " </BlocksCount>\n"
            + "    <MappedBlocksCount> "
            + mappedBlocks
            + " </MappedBlocksCount>\n"
            + "    <ChecksumType> sha256 </ChecksumType>\n"
            + "    <BmapFileChecksum> "
            + CHECKSUM_PLACEHOLDER
            + " </BmapFileChecksum>\n"
            + "    <BlockMap>\n"
            + ranges
            + "    </BlockMap>\n"
            + "</bmap>\n";
    // The file's checksum is computed with its own field all zeros, then put in that field.
    String checksum =
        HexFormat.of().formatHex(StableIds.sha256().digest(xml.getBytes(StandardCharsets.UTF_8)));
    return xml.replace(CHECKSUM_PLACEHOLDER, checksum).getBytes(StandardCharsets.UTF_8);
  }
}
