package io.slipway.osimage.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.slipway.osimage.image.ImagePatch;
import io.slipway.osimage.testing.PatchFiles;
import io.slipway.osimage.testing.RecordedImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plans layouts and writes partition tables, checked by reading them back. */
class PartitionTableWriterTest {

  private static final long MIB = 1024 * 1024;
  private static final UUID DISK_GUID = UUID.fromString("00000000-1111-4222-8333-444444444444");

  @TempDir Path directory;

  @Test
  void layoutAlignsPartitionsToFourMebibytes() {
    PartitionLayout layout =
        PartitionLayout.plan(PartitionScheme.GPT, List.of(40 * MIB, 10 * MIB + 512, 8 * MIB));

    assertThat(layout.offsets()).containsExactly(4 * MIB, 44 * MIB, 56 * MIB);
    assertThat(layout.diskSize()).isEqualTo(68 * MIB);
  }

  @Test
  void layoutLeavesRoomForEbrs() {
    PartitionLayout layout =
        PartitionLayout.plan(
            PartitionScheme.MBR, List.of(4 * MIB, 4 * MIB, 4 * MIB, 4 * MIB, 4 * MIB));

    assertThat(layout.offsets()).containsExactly(4 * MIB, 8 * MIB, 12 * MIB, 20 * MIB, 28 * MIB);
    assertThat(layout.diskSize()).isEqualTo(32 * MIB);
  }

  @Test
  void layoutOfFourMbrPartitionsHasNoGaps() {
    PartitionLayout layout =
        PartitionLayout.plan(PartitionScheme.MBR, List.of(4 * MIB, 4 * MIB, 4 * MIB, 4 * MIB));

    assertThat(layout.offsets()).containsExactly(4 * MIB, 8 * MIB, 12 * MIB, 16 * MIB);
    assertThat(layout.diskSize()).isEqualTo(20 * MIB);
  }

  @Test
  void sameArgumentsGiveSameBytes() {
    List<GptPartitionSpec> partitions = List.of(gpt(4 * MIB, 8 * MIB, 1, "resin-boot"));

    ImagePatch first = PartitionTableWriter.writeGpt(64 * MIB, DISK_GUID, partitions);
    ImagePatch second = PartitionTableWriter.writeGpt(64 * MIB, DISK_GUID, partitions);

    assertThat(first.ranges()).isEqualTo(second.ranges());
  }

  @Test
  void gptPatchCoversBothTables() {
    ImagePatch patch =
        PartitionTableWriter.writeGpt(
            64 * MIB, DISK_GUID, List.of(gpt(4 * MIB, 8 * MIB, 1, "resin-boot")));

    assertThat(patch.ranges())
        .extracting(ImagePatch.Range::offset, range -> (long) range.content().length)
        .containsExactly(tuple(0L, 34L * 512), tuple(64 * MIB - 33 * 512, 33L * 512));
  }

  @Test
  void gptReadsBackWithValidBackup() throws IOException {
    Path image = image(64 * MIB);
    List<GptPartitionSpec> partitions =
        List.of(gpt(20 * MIB, 8 * MIB, 7, "resin-rootA"), gpt(4 * MIB, 8 * MIB, 8, "resin-boot"));

    PatchFiles.apply(image, PartitionTableWriter.writeGpt(64 * MIB, DISK_GUID, partitions));

    PartitionTable table = read(image);
    assertThat(table.partitions())
        .containsExactly(
            new Partition(
                1, 20 * MIB, 8 * MIB, GptPartitionSpec.LINUX_FILESYSTEM.toString(), "resin-rootA"),
            new Partition(
                2, 4 * MIB, 8 * MIB, GptPartitionSpec.LINUX_FILESYSTEM.toString(), "resin-boot"));
    GptHeader backup = GptHeader.parse(sector(image, 64 * MIB - 512));
    assertThat(backup.currentLba()).isEqualTo(64 * MIB / 512 - 1);
    assertThat(backup.alternateLba()).isEqualTo(1);
    assertThat(backup.entriesLba()).isEqualTo(64 * MIB / 512 - 33);
    assertThat(backup.diskGuid()).isEqualTo(DISK_GUID);
  }

  @Test
  void mbrReadsBackWithDiskSignature() throws IOException {
    Path image = image(32 * MIB);
    List<MbrPartitionSpec> partitions =
        List.of(
            new MbrPartitionSpec(4 * MIB, 4 * MIB, MbrPartitionSpec.FAT32_LBA, true),
            new MbrPartitionSpec(8 * MIB, 4 * MIB, MbrPartitionSpec.LINUX, false),
            new MbrPartitionSpec(12 * MIB, 4 * MIB, MbrPartitionSpec.LINUX, false),
            new MbrPartitionSpec(20 * MIB, 4 * MIB, MbrPartitionSpec.LINUX, false),
            new MbrPartitionSpec(28 * MIB, 4 * MIB, MbrPartitionSpec.LINUX, false));

    PatchFiles.apply(image, PartitionTableWriter.writeMbr(32 * MIB, 0xcafe0001, partitions));

    assertThat(read(image).partitions())
        .extracting(Partition::number)
        .containsExactly(1, 2, 3, 5, 6);
    assertThat(sector(image, 0).getInt(440)).isEqualTo(0xcafe0001);
  }

  @Test
  void logicalPartitionWithoutGapIsRejected() {
    List<MbrPartitionSpec> partitions =
        List.of(mbr(4 * MIB), mbr(8 * MIB), mbr(12 * MIB), mbr(16 * MIB), mbr(24 * MIB));

    assertThatThrownBy(() -> PartitionTableWriter.writeMbr(32 * MIB, 1, partitions))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset=16777216")
        .hasMessageContaining("leaving no sector for its EBR");
  }

  @Test
  void overlappingPartitionsAreRejected() {
    List<GptPartitionSpec> partitions =
        List.of(gpt(4 * MIB, 8 * MIB, 1, "a"), gpt(8 * MIB, 8 * MIB, 2, "b"));

    assertThatThrownBy(() -> PartitionTableWriter.writeGpt(64 * MIB, DISK_GUID, partitions))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlaps the previous partition");
  }

  @Test
  void partitionOverBackupGptIsRejected() {
    List<GptPartitionSpec> partitions = List.of(gpt(4 * MIB, 60 * MIB, 1, "data"));

    assertThatThrownBy(() -> PartitionTableWriter.writeGpt(64 * MIB, DISK_GUID, partitions))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside bytes 17408 to " + (64 * MIB - 33 * 512));
  }

  @Test
  void duplicateGuidIsRejected() {
    List<GptPartitionSpec> partitions =
        List.of(gpt(4 * MIB, 4 * MIB, 1, "a"), gpt(8 * MIB, 4 * MIB, 1, "b"));

    assertThatThrownBy(() -> PartitionTableWriter.writeGpt(64 * MIB, DISK_GUID, partitions))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Duplicate partition GUID");
  }

  @Test
  void longGptNameIsRejected() {
    assertThatThrownBy(() -> gpt(4 * MIB, 4 * MIB, 1, "n".repeat(37)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 36 UTF-16 code units");
  }

  @Test
  void extendedTypeIsRejected() {
    assertThatThrownBy(() -> new MbrPartitionSpec(4 * MIB, 4 * MIB, 0x05, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid MBR partition type 0x05");
  }

  @Test
  void unalignedOffsetIsRejected() {
    assertThatThrownBy(() -> new MbrPartitionSpec(4 * MIB + 1, 4 * MIB, 0x83, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid partition offset 4194305");
  }

  @Test
  void mbrOverTwoTebibytesIsRejected() {
    List<MbrPartitionSpec> partitions = List.of(mbr(4 * MIB));

    assertThatThrownBy(() -> PartitionTableWriter.writeMbr(3L << 40, 1, partitions))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use GPT");
  }

  private static MbrPartitionSpec mbr(long offset) {
    return new MbrPartitionSpec(offset, 4 * MIB, MbrPartitionSpec.LINUX, false);
  }

  private static GptPartitionSpec gpt(long offset, long size, int guid, String name) {
    return new GptPartitionSpec(
        offset, size, GptPartitionSpec.LINUX_FILESYSTEM, new UUID(0x1234, guid), name, 0);
  }

  private Path image(long size) throws IOException {
    Path image = directory.resolve("image.img");
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(size);
    }
    return image;
  }

  private static ByteBuffer sector(Path image, long offset) throws IOException {
    return ByteBuffer.wrap(PartitionTableReaderIT.readBytes(image, offset, 512))
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  private static PartitionTable read(Path image) throws IOException {
    try (RecordedImage bytes = RecordedImage.open(image)) {
      return PartitionTableReader.read(bytes);
    }
  }
}
