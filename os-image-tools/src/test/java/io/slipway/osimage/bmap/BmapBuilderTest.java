package io.slipway.osimage.bmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BmapBuilderTest {

  private static final int BLOCK = BmapBuilder.BLOCK_SIZE;

  @Test
  void zeroBlocksAreUnmappedAndRunsMerge() throws Exception {
    byte[] image = new byte[6 * BLOCK + 100];
    Arrays.fill(image, 0, 2 * BLOCK, (byte) 1);
    image[4 * BLOCK + 17] = 9;
    image[6 * BLOCK + 99] = 3;
    BmapBuilder builder = new BmapBuilder();
    builder.mapped(image, 0, 2 * BLOCK);
    builder.unmapped(2 * BLOCK);
    builder.mapped(image, 4 * BLOCK, BLOCK);
    builder.unmapped(BLOCK);
    builder.mapped(image, 6 * BLOCK, 100);

    String xml = new String(builder.build(), StandardCharsets.UTF_8);

    assertThat(value(xml, "ImageSize")).isEqualTo(String.valueOf(image.length));
    assertThat(value(xml, "BlockSize")).isEqualTo("4096");
    assertThat(value(xml, "BlocksCount")).isEqualTo("7");
    assertThat(value(xml, "MappedBlocksCount")).isEqualTo("4");
    assertThat(value(xml, "ChecksumType")).isEqualTo("sha256");
    assertThat(xml)
        .contains("<Range chksum=\"" + sha256(image, 0, 2 * BLOCK) + "\"> 0-1 </Range>")
        .contains("<Range chksum=\"" + sha256(image, 4 * BLOCK, BLOCK) + "\"> 4 </Range>")
        .contains("<Range chksum=\"" + sha256(image, 6 * BLOCK, 100) + "\"> 6 </Range>");
  }

  @Test
  void fileChecksumCoversFileWithZeroedChecksum() throws Exception {
    BmapBuilder builder = new BmapBuilder();
    builder.mapped(new byte[] {1}, 0, 1);

    String xml = new String(builder.build(), StandardCharsets.UTF_8);
    String checksum = value(xml, "BmapFileChecksum");
    byte[] zeroed = xml.replace(checksum, "0".repeat(64)).getBytes(StandardCharsets.UTF_8);

    assertThat(checksum).isEqualTo(sha256(zeroed, 0, zeroed.length));
  }

  @Test
  void allZeroImageHasNoRanges() {
    BmapBuilder builder = new BmapBuilder();
    builder.unmapped(10 * BLOCK);

    String xml = new String(builder.build(), StandardCharsets.UTF_8);

    assertThat(value(xml, "MappedBlocksCount")).isEqualTo("0");
    assertThat(xml).doesNotContain("<Range");
  }

  @Test
  void zeroCheckLooksAtEveryByte() {
    byte[] buffer = new byte[3 * BLOCK];

    assertThat(BmapBuilder.isZero(buffer, 0, buffer.length)).isTrue();
    buffer[2 * BLOCK + 4095] = 1;
    assertThat(BmapBuilder.isZero(buffer, 0, buffer.length)).isFalse();
    assertThat(BmapBuilder.isZero(buffer, 0, 2 * BLOCK)).isTrue();
  }

  @Test
  void bytesAfterPartialBlockAreRejected() {
    BmapBuilder builder = new BmapBuilder();
    builder.mapped(new byte[100], 0, 100);

    assertThatThrownBy(() -> builder.unmapped(BLOCK)).isInstanceOf(IllegalStateException.class);
  }

  private static String value(String xml, String element) {
    Matcher matcher = Pattern.compile("<" + element + "> (\\S+) </" + element + ">").matcher(xml);
    assertThat(matcher.find()).as(element).isTrue();
    return matcher.group(1);
  }

  private static String sha256(byte[] bytes, int offset, int length) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    digest.update(bytes, offset, length);
    return HexFormat.of().formatHex(digest.digest());
  }
}
