package io.slipway.osimage.bmap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds the block map of a raw image in bmaptool's format 2.0 while the image streams past, in
 * order. A 4096-byte block that is all zeros is unmapped; adjacent mapped blocks form one range
 * with the SHA-256 of its bytes. The file's own checksum ({@code BmapFileChecksum}) is the SHA-256
 * of the file with that value written as 64 zeros, which is how bmaptool 3.6 verifies it. Not safe
 * for concurrent use.
 */
public final class BmapBuilder {

  /** Size of a block in bytes. */
  public static final int BLOCK_SIZE = 4096;

  private static final byte[] ZERO_BLOCK = new byte[BLOCK_SIZE];
  private static final String ZERO_CHECKSUM = "0".repeat(64);

  private final List<MappedRange> ranges = new ArrayList<>();
  private long size;
  private long mappedBlocks;
  private long rangeFirstBlock = -1;
  private MessageDigest rangeDigest;

  /**
   * Returns whether {@code length} bytes of {@code buffer} from {@code offset} are all zero; a
   * block is checked with one vectorized comparison.
   */
  public static boolean isZero(byte[] buffer, int offset, int length) {
    for (int done = 0; done < length; done += BLOCK_SIZE) {
      int part = Math.min(BLOCK_SIZE, length - done);
      if (Arrays.mismatch(buffer, offset + done, offset + done + part, ZERO_BLOCK, 0, part) >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds the next {@code length} image bytes as mapped blocks. Every call but the image's last must
   * cover whole blocks.
   */
  public void mapped(byte[] buffer, int offset, int length) {
    checkAligned();
    if (rangeFirstBlock < 0) {
      rangeFirstBlock = size / BLOCK_SIZE;
      rangeDigest = sha256();
    }
    rangeDigest.update(buffer, offset, length);
    size += length;
    mappedBlocks += blocks(length);
  }

  /**
   * Adds the next {@code length} image bytes, all zeros, as unmapped blocks. Every call but the
   * image's last must cover whole blocks.
   */
  public void unmapped(long length) {
    checkAligned();
    closeRange();
    size += length;
  }

  /** Returns the image size in bytes counted so far. */
  public long size() {
    return size;
  }

  /** Returns the bmap file of every block added, UTF-8 XML. Adding more afterwards is allowed. */
  public byte[] build() {
    closeRange();

    StringBuilder xml = new StringBuilder(512 + ranges.size() * 100);
    xml.append("<?xml version=\"1.0\" ?>\n");
    xml.append("<!-- Block map of a raw disk image: flash it with bmaptool copy, which writes\n");
    xml.append("     only the mapped ranges and checks each range's SHA-256. -->\n");
    xml.append("<bmap version=\"2.0\">\n");
    element(xml, "ImageSize", Long.toString(size));
    element(xml, "BlockSize", Integer.toString(BLOCK_SIZE));
    element(xml, "BlocksCount", Long.toString(blocks(size)));
    element(xml, "MappedBlocksCount", Long.toString(mappedBlocks));
    element(xml, "ChecksumType", "sha256");
    element(xml, "BmapFileChecksum", ZERO_CHECKSUM);

    xml.append("    <BlockMap>\n");
    for (MappedRange range : ranges) {
      xml.append("        <Range chksum=\"").append(range.sha256()).append("\"> ");
      xml.append(range.firstBlock());
      if (range.lastBlock() != range.firstBlock()) {
        xml.append('-').append(range.lastBlock());
      }
      xml.append(" </Range>\n");
    }
    xml.append("    </BlockMap>\n");
    xml.append("</bmap>\n");

    String unsigned = xml.toString();
    String checksum = hex(sha256().digest(unsigned.getBytes(StandardCharsets.UTF_8)));
    return unsigned
        .replace(
            "<BmapFileChecksum> " + ZERO_CHECKSUM + " </BmapFileChecksum>",
            "<BmapFileChecksum> " + checksum + " </BmapFileChecksum>")
        .getBytes(StandardCharsets.UTF_8);
  }

  private void closeRange() {
    if (rangeFirstBlock < 0) {
      return;
    }
    long lastBlock = blocks(size) - 1;
    ranges.add(new MappedRange(rangeFirstBlock, lastBlock, hex(rangeDigest.digest())));
    rangeFirstBlock = -1;
    rangeDigest = null;
  }

  private void checkAligned() {
    if (size % BLOCK_SIZE != 0) {
      throw new IllegalStateException(
          "Image bytes added after a partial block at offset " + size + ": only the last may be");
    }
  }

  private static long blocks(long bytes) {
    return (bytes + BLOCK_SIZE - 1) / BLOCK_SIZE;
  }

  private static void element(StringBuilder xml, String name, String value) {
    xml.append("    <").append(name).append("> ").append(value);
    xml.append(" </").append(name).append(">\n");
  }

  private static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime provides SHA-256", e);
    }
  }

  /** Mapped blocks {@code firstBlock} to {@code lastBlock} inclusive and their SHA-256. */
  private record MappedRange(long firstBlock, long lastBlock, String sha256) {}
}
