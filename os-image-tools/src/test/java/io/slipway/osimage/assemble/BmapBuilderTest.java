package io.slipway.osimage.assemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BmapBuilderTest {

  private static final int BLOCK = BmapBuilder.BLOCK_SIZE;

  @Test
  void adjacentMappedBlocksFormOneRange() {
    BmapBuilder bmap = new BmapBuilder(5L * BLOCK);
    bmap.add(block(1), true);
    bmap.add(block(2), true);
    bmap.addUnmapped(1);
    bmap.add(block(3), true);
    bmap.addUnmapped(1);

    String xml = new String(bmap.build(), StandardCharsets.UTF_8);

    assertThat(xml).contains("> 0-1 </Range>");
    assertThat(xml).contains("> 3 </Range>");
    assertThat(xml).contains("<MappedBlocksCount> 3 </MappedBlocksCount>");
    assertThat(xml).contains("<BlocksCount> 5 </BlocksCount>");
  }

  @Test
  void rangeChecksumCoversItsBytes() {
    BmapBuilder bmap = new BmapBuilder(2L * BLOCK);
    bmap.add(block(7), true);
    bmap.add(block(9), true);

    String xml = new String(bmap.build(), StandardCharsets.UTF_8);

    byte[] both = new byte[2 * BLOCK];
    Arrays.fill(both, 0, BLOCK, (byte) 7);
    Arrays.fill(both, BLOCK, 2 * BLOCK, (byte) 9);
    assertThat(xml).contains("chksum=\"" + sha256(both) + "\"> 0-1 </Range>");
  }

  @Test
  void shortLastBlockIsCounted() {
    BmapBuilder bmap = new BmapBuilder(BLOCK + 512);
    bmap.addUnmapped(1);
    bmap.add(ByteBuffer.wrap(new byte[512], 0, 512).put(0, (byte) 1), true);

    String xml = new String(bmap.build(), StandardCharsets.UTF_8);

    assertThat(xml).contains("<ImageSize> " + (BLOCK + 512) + " </ImageSize>");
    assertThat(xml).contains("> 1 </Range>");
  }

  @Test
  void fileChecksumIsOfTheFileWithZerosInItsPlace() {
    BmapBuilder bmap = new BmapBuilder(BLOCK);
    bmap.add(block(1), true);

    String xml = new String(bmap.build(), StandardCharsets.UTF_8);

    Matcher field =
        Pattern.compile("<BmapFileChecksum> ([0-9a-f]{64}) </BmapFileChecksum>").matcher(xml);
    assertThat(field.find()).isTrue();
    String zeroed = xml.replace(field.group(1), "0".repeat(64));
    assertThat(field.group(1)).isEqualTo(sha256(zeroed.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void missingBlocksAreRejected() {
    BmapBuilder bmap = new BmapBuilder(3L * BLOCK);
    bmap.addUnmapped(2);

    assertThatThrownBy(bmap::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("covers 2 blocks");
  }

  private static ByteBuffer block(int value) {
    byte[] bytes = new byte[BLOCK];
    Arrays.fill(bytes, (byte) value);
    return ByteBuffer.wrap(bytes);
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(StableIds.sha256().digest(bytes));
  }
}
