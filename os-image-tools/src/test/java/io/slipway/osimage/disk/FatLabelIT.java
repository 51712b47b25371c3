package io.slipway.osimage.disk;

import static io.slipway.osimage.testing.DiskTools.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.osimage.testing.DiskTools;
import io.slipway.osimage.testing.RecordedImage;
import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads FAT volume labels that mkfs.vfat and mlabel wrote. */
class FatLabelIT {

  private static final long OFFSET = 4 * MIB;
  private static final long SIZE = 40 * MIB;
  private static final Partition PARTITION = new Partition(1, OFFSET, SIZE, "0c", "");

  @TempDir Path directory;

  @ParameterizedTest(name = "FAT{0}")
  @ValueSource(ints = {12, 16, 32})
  void labelOfMkfsRead(int fatBits) throws IOException {
    Path image = formatted(fatBits, "resin-boot");

    assertThat(label(image)).contains("resin-boot");
    assertThat(DiskTools.blkid(image, OFFSET)).containsEntry("LABEL", "resin-boot");
  }

  @ParameterizedTest(name = "FAT{0}")
  @ValueSource(ints = {16, 32})
  void labelOfMlabelRead(int fatBits) throws IOException {
    Path image = formatted(fatBits, "old");
    DiskTools.run(
        List.of(
            RequiredTool.require("/usr/bin/mlabel", "mtools").toString(),
            "-i",
            image + "@@" + OFFSET,
            "::BALENA-BOOT"),
        "");

    assertThat(label(image)).contains("BALENA-BOOT");
    assertThat(DiskTools.blkid(image, OFFSET)).containsEntry("LABEL", "BALENA-BOOT");
  }

  @ParameterizedTest(name = "FAT{0}")
  @ValueSource(ints = {16, 32})
  void rootDirectoryLabelWinsOverBootSector(int fatBits) throws IOException {
    Path image = formatted(fatBits, "resin-boot");
    int labelOffset = fatBits == 32 ? 0x47 : 0x2B;
    PartitionTableReaderIT.writeBytes(
        image, OFFSET + labelOffset, "STALE      ".getBytes(StandardCharsets.US_ASCII));

    assertThat(label(image)).contains("resin-boot");
    assertThat(DiskTools.blkid(image, OFFSET)).containsEntry("LABEL", "resin-boot");
    assertThat(DiskTools.blkid(image, OFFSET)).containsEntry("LABEL_FATBOOT", "STALE");
  }

  @Test
  void bootSectorLabelUsedWithoutRootEntry() throws IOException {
    Path image = formatted(16, "resin-boot");
    // FAT16 root directory: after 4 reserved sectors and two FATs of 80 sectors (mkfs.vfat's
    // layout for 40 MiB); the label is its first entry. 0xE5 marks the entry deleted.
    long rootDirectory = OFFSET + readReservedAndFats(image) * 512;
    assertThat(PartitionTableReaderIT.readBytes(image, rootDirectory, 11))
        .asString(StandardCharsets.US_ASCII)
        .isEqualTo("resin-boot ");
    PartitionTableReaderIT.writeBytes(image, rootDirectory, new byte[] {(byte) 0xE5});
    PartitionTableReaderIT.writeBytes(
        image, OFFSET + 0x2B, "BOOT-ONLY  ".getBytes(StandardCharsets.US_ASCII));

    assertThat(label(image)).contains("BOOT-ONLY");
    // blkid reports a boot sector label only under its own tag, never as LABEL.
    assertThat(DiskTools.blkid(image, OFFSET)).containsEntry("LABEL_FATBOOT", "BOOT-ONLY");
    assertThat(DiskTools.blkid(image, OFFSET)).doesNotContainKey("LABEL");
  }

  @Test
  void noLabelGivesEmpty() throws IOException {
    Path image = formatted(16, null);

    assertThat(label(image)).isEmpty();
    assertThat(DiskTools.blkid(image, OFFSET)).containsEntry("TYPE", "vfat");
    assertThat(DiskTools.blkid(image, OFFSET)).doesNotContainKey("LABEL");
  }

  @Test
  void unformattedPartitionGivesEmpty() throws IOException {
    Path image = DiskTools.sparseFile(directory.resolve("empty.img"), 64 * MIB);

    assertThat(label(image)).isEmpty();
  }

  private Path formatted(int fatBits, String label) {
    Path image = DiskTools.sparseFile(directory.resolve("fat.img"), 64 * MIB);
    DiskTools.mkfsVfat(image, OFFSET, SIZE, fatBits, label);
    return image;
  }

  private static long readReservedAndFats(Path image) throws IOException {
    byte[] bootSector = PartitionTableReaderIT.readBytes(image, OFFSET, 512);
    int reserved = (bootSector[14] & 0xFF) | (bootSector[15] & 0xFF) << 8;
    int fats = bootSector[16] & 0xFF;
    int sectorsPerFat = (bootSector[22] & 0xFF) | (bootSector[23] & 0xFF) << 8;
    return reserved + (long) fats * sectorsPerFat;
  }

  private static Optional<String> label(Path image) throws IOException {
    try (RecordedImage bytes = RecordedImage.open(image)) {
      return FatLabel.read(bytes, PARTITION);
    }
  }
}
