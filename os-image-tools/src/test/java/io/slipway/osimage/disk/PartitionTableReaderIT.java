package io.slipway.osimage.disk;

import static io.slipway.osimage.testing.DiskTools.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.testing.DiskTools;
import io.slipway.osimage.testing.RecordedImage;
import io.slipway.osimage.testing.TestImages;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Reads partition tables that sfdisk wrote and compares them with what sfdisk reads back. */
class PartitionTableReaderIT {

  private static final Set<String> EXTENDED_TYPES = Set.of("5", "f", "85");
  private static final Pattern NUMBER_AT_END = Pattern.compile("(\\d+)$");

  @TempDir Path directory;

  @Test
  void mbrWithLogicalPartitionsMatchesSfdisk() {
    Path image = TestImages.raspberryPi(directory, 16, "resin-boot");

    PartitionTable table = read(image);

    assertThat(table.scheme()).isEqualTo(PartitionScheme.MBR);
    assertThat(table.sectorSize()).isEqualTo(512);
    assertThat(table.partitions()).containsExactlyElementsOf(sfdiskPartitions(image));
    assertThat(table.partitions()).extracting(Partition::number).containsExactly(1, 2, 3, 5, 6);
  }

  @Test
  void mbrWithManyLogicalPartitionsMatchesSfdisk() {
    Path image = DiskTools.sparseFile(directory.resolve("many.img"), 128 * MIB);
    DiskTools.sfdisk(
        image,
        """
        label: dos
        start=4MiB, size=8MiB, type=c
        start=12MiB, type=5
        start=16MiB, size=8MiB, type=83
        start=28MiB, size=8MiB, type=82
        start=40MiB, size=8MiB, type=83
        start=52MiB, size=8MiB, type=83
        """);

    PartitionTable table = read(image);

    assertThat(table.partitions()).containsExactlyElementsOf(sfdiskPartitions(image));
    assertThat(table.partitions()).extracting(Partition::number).containsExactly(1, 5, 6, 7, 8);
    assertThat(table.partitions()).extracting(Partition::type).contains("82");
  }

  @Test
  void gptWithBootAtNumberFourMatchesSfdisk() {
    Path image = TestImages.genericX86(directory, 4, "resin-boot", 32, "resin-boot");

    PartitionTable table = read(image);

    assertThat(table.scheme()).isEqualTo(PartitionScheme.GPT);
    assertThat(table.partitions()).containsExactlyElementsOf(sfdiskPartitions(image));
    assertThat(table.partitions()).extracting(Partition::number).containsExactly(1, 2, 4, 12, 13);
    assertThat(table.partitions().get(2).name()).isEqualTo("resin-boot");
    assertThat(table.partitions().get(2).type()).isEqualTo("c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
  }

  @Test
  void hybridMbrIsReadAsGpt() throws IOException {
    Path image = TestImages.genericX86(directory, 3, "resin-boot", 16, "resin-boot");
    // A hybrid MBR: the protective entry moves to slot 2, and slot 1 maps the boot partition.
    byte[] protective = readBytes(image, 446, 16);
    writeBytes(image, 446 + 16, protective);
    writeBytes(image, 446, mbrEntry(0x0c, 132 * MIB / 512, 40 * MIB / 512));

    PartitionTable table = read(image);

    assertThat(table.scheme()).isEqualTo(PartitionScheme.GPT);
    assertThat(table.partitions()).extracting(Partition::number).containsExactly(1, 2, 3, 12, 13);
  }

  @Test
  void truncatedGptIsRejected() throws IOException {
    Path image = TestImages.genericX86(directory, 4, "resin-boot", 16, "resin-boot");
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(200 * MIB);
    }

    assertThatThrownBy(() -> read(image))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("Partition 13 ends at byte " + 280 * MIB)
        .hasMessageContaining("past the end of the " + 200 * MIB + "-byte image");
  }

  @Test
  void gptCutInsideEntryArrayIsRejected() throws IOException {
    Path image = TestImages.genericX86(directory, 4, "resin-boot", 16, "resin-boot");
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(4096);
    }

    assertThatThrownBy(() -> read(image))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("The image ends at byte 4096, inside the GPT partition entry array");
  }

  @Test
  void gptHeaderWithBadCrcIsRejected() throws IOException {
    Path image = TestImages.genericX86(directory, 4, "resin-boot", 16, "resin-boot");
    // The last usable sector, one of the fields the header CRC32 covers.
    writeBytes(image, 512 + 48, new byte[] {0x01});

    assertThatThrownBy(() -> read(image))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("primary GPT header's CRC32");
  }

  @Test
  void gptEntriesWithBadCrcAreRejected() throws IOException {
    Path image = TestImages.genericX86(directory, 4, "resin-boot", 16, "resin-boot");
    // The first letter of partition 1's name.
    writeBytes(image, 1024 + 56, new byte[] {'X'});

    assertThatThrownBy(() -> read(image))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("partition entry array's CRC32");
  }

  @Test
  void ebrLoopIsRejected() throws IOException {
    Path image = TestImages.raspberryPi(directory, 16, "resin-boot");
    long extendedStart = 172 * MIB;
    byte[] firstEbrLink = readBytes(image, extendedStart + 446 + 16, 16);
    long secondEbr = extendedStart + 512 * littleEndianInt(firstEbrLink, 8);
    // The second EBR links back to the first, which sits at offset 0 of the extended partition.
    writeBytes(image, secondEbr + 446 + 16, mbrEntry(0x05, 0, 8 * MIB / 512));

    assertThatThrownBy(() -> read(image))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("loops back to sector " + extendedStart / 512);
  }

  @Test
  void fatFilesystemWithoutPartitionTableIsRejected() {
    Path image = DiskTools.sparseFile(directory.resolve("superfloppy.img"), 64 * MIB);
    DiskTools.mkfsVfat(image, 0, 64 * MIB, 16, "resin-boot");

    assertThatThrownBy(() -> read(image))
        .isInstanceOf(OsImageException.class)
        .hasFieldOrPropertyWithValue("failure", OsImageFailure.NOT_A_DISK_IMAGE)
        .hasMessageContaining("no partition table");
  }

  private static PartitionTable read(Path image) {
    try (RecordedImage bytes = RecordedImage.open(image)) {
      return PartitionTableReader.read(bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns the data partitions that {@code sfdisk --json} lists, in this package's terms. */
  private static List<Partition> sfdiskPartitions(Path image) {
    JsonNode table = DiskTools.sfdiskJson(image);
    boolean gpt = table.path("label").asString().equals("gpt");
    List<Partition> partitions = new ArrayList<>();
    for (JsonNode node : table.path("partitions")) {
      String type = node.path("type").asString().toLowerCase(Locale.ROOT);
      if (!gpt && EXTENDED_TYPES.contains(type)) {
        continue;
      }
      Matcher number = NUMBER_AT_END.matcher(node.path("node").asString());
      assertThat(number.find()).isTrue();
      partitions.add(
          new Partition(
              Integer.parseInt(number.group(1)),
              node.path("start").asLong() * 512,
              node.path("size").asLong() * 512,
              gpt ? type : String.format("%2s", type).replace(' ', '0'),
              node.path("name").asString("")));
    }
    return partitions;
  }

  private static byte[] mbrEntry(int type, long firstLba, long sectorCount) {
    byte[] entry = new byte[16];
    entry[4] = (byte) type;
    putLittleEndianInt(entry, 8, firstLba);
    putLittleEndianInt(entry, 12, sectorCount);
    return entry;
  }

  private static void putLittleEndianInt(byte[] bytes, int at, long value) {
    for (int i = 0; i < 4; i++) {
      bytes[at + i] = (byte) (value >>> (8 * i));
    }
  }

  private static long littleEndianInt(byte[] bytes, int at) {
    long value = 0;
    for (int i = 3; i >= 0; i--) {
      value = (value << 8) | (bytes[at + i] & 0xFF);
    }
    return value;
  }

  static byte[] readBytes(Path image, long offset, int length) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "r")) {
      byte[] bytes = new byte[length];
      file.seek(offset);
      file.readFully(bytes);
      return bytes;
    }
  }

  static void writeBytes(Path image, long offset, byte[] bytes) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.seek(offset);
      file.write(bytes);
    }
  }
}
