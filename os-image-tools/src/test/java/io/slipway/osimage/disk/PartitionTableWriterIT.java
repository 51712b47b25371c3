package io.slipway.osimage.disk;

import static io.slipway.osimage.testing.DiskTools.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.slipway.osimage.testing.DiskTools;
import io.slipway.osimage.testing.PatchFiles;
import io.slipway.osimage.testing.RecordedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Writes partition tables into sparse files and checks them with sfdisk and the reader. */
class PartitionTableWriterIT {

  private static final UUID DISK_GUID = UUID.fromString("6e1d5a2b-0c8f-4e55-9b3a-2b1d7c9e0f11");

  @TempDir Path directory;

  @Test
  void mbrWithLogicalPartitionsPassesSfdisk() throws IOException {
    List<Long> sizes = List.of(40 * MIB, 64 * MIB, 64 * MIB, 8 * MIB, 32 * MIB);
    PartitionLayout layout = PartitionLayout.plan(PartitionScheme.MBR, sizes);
    List<MbrPartitionSpec> partitions =
        List.of(
            new MbrPartitionSpec(layout.offsets().get(0), sizes.get(0), 0x0c, true),
            new MbrPartitionSpec(layout.offsets().get(1), sizes.get(1), 0x83, false),
            new MbrPartitionSpec(layout.offsets().get(2), sizes.get(2), 0x83, false),
            new MbrPartitionSpec(layout.offsets().get(3), sizes.get(3), 0x83, false),
            new MbrPartitionSpec(layout.offsets().get(4), sizes.get(4), 0x83, false));
    Path image = DiskTools.sparseFile(directory.resolve("mbr.img"), layout.diskSize());

    PatchFiles.apply(
        image, PartitionTableWriter.writeMbr(layout.diskSize(), 0x1234abcd, partitions));

    assertThat(DiskTools.sfdiskVerify(image)).contains("No errors detected");
    assertThat(DiskTools.sfdiskDump(image)).contains("label-id: 0x1234abcd");
    JsonNode table = DiskTools.sfdiskJson(image);
    assertThat(table.path("label").asString()).isEqualTo("dos");
    JsonNode listed = table.path("partitions");
    assertThat(listed.size()).isEqualTo(6);
    assertThat(listed.get(0).path("bootable").asBoolean()).isTrue();
    assertThat(listed.get(3).path("node").asString()).endsWith("mbr.img4");
    assertThat(listed.get(3).path("type").asString()).isEqualTo("f");
    int[] dataIndexes = {0, 1, 2, 4, 5};
    int[] numbers = {1, 2, 3, 5, 6};
    for (int i = 0; i < partitions.size(); i++) {
      JsonNode entry = listed.get(dataIndexes[i]);
      assertThat(entry.path("node").asString()).endsWith("mbr.img" + numbers[i]);
      assertThat(entry.path("start").asLong() * 512).isEqualTo(partitions.get(i).offset());
      assertThat(entry.path("size").asLong() * 512).isEqualTo(partitions.get(i).size());
      assertThat(Integer.parseInt(entry.path("type").asString(), 16))
          .isEqualTo(partitions.get(i).type());
    }

    assertThat(read(image).partitions())
        .extracting(Partition::number, Partition::offset, Partition::size)
        .containsExactly(
            partitionTuple(1, partitions.get(0)),
            partitionTuple(2, partitions.get(1)),
            partitionTuple(3, partitions.get(2)),
            partitionTuple(5, partitions.get(3)),
            partitionTuple(6, partitions.get(4)));
  }

  @Test
  void mbrOfFourPrimariesPassesSfdisk() throws IOException {
    List<MbrPartitionSpec> partitions =
        List.of(
            new MbrPartitionSpec(4 * MIB, 8 * MIB, 0x0c, true),
            new MbrPartitionSpec(12 * MIB, 8 * MIB, 0x83, false),
            new MbrPartitionSpec(20 * MIB, 8 * MIB, 0x83, false),
            new MbrPartitionSpec(28 * MIB, 4 * MIB, 0x83, false));
    Path image = DiskTools.sparseFile(directory.resolve("primaries.img"), 32 * MIB);

    PatchFiles.apply(image, PartitionTableWriter.writeMbr(32 * MIB, 7, partitions));

    assertThat(DiskTools.sfdiskVerify(image)).contains("No errors detected");
    assertThat(read(image).partitions()).extracting(Partition::number).containsExactly(1, 2, 3, 4);
  }

  @Test
  void gptPassesSfdiskWithBackup() throws IOException {
    List<Long> sizes = List.of(64 * MIB, 64 * MIB, 40 * MIB, 8 * MIB, 100 * MIB);
    PartitionLayout layout = PartitionLayout.plan(PartitionScheme.GPT, sizes);
    List<GptPartitionSpec> partitions =
        List.of(
            linux(layout, sizes, 0, "resin-rootA"),
            linux(layout, sizes, 1, "resin-rootB"),
            new GptPartitionSpec(
                layout.offsets().get(2),
                sizes.get(2),
                GptPartitionSpec.EFI_SYSTEM,
                guid(3),
                "resin-boot",
                GptPartitionSpec.LEGACY_BIOS_BOOTABLE),
            linux(layout, sizes, 3, "resin-state"),
            linux(layout, sizes, 4, "resin-data"));
    Path image = DiskTools.sparseFile(directory.resolve("gpt.img"), layout.diskSize());

    PatchFiles.apply(
        image, PartitionTableWriter.writeGpt(layout.diskSize(), DISK_GUID, partitions));

    // sfdisk reads the backup header and entries too, and warns when they are damaged.
    String verify = DiskTools.sfdiskVerify(image);
    assertThat(verify).contains("No errors detected");
    assertThat(verify).doesNotContain("corrupt");
    assertThat(verify).contains("Using 5 out of 128 partitions");
    JsonNode table = DiskTools.sfdiskJson(image);
    assertThat(table.path("label").asString()).isEqualTo("gpt");
    assertThat(table.path("id").asString().toLowerCase(Locale.ROOT))
        .isEqualTo(DISK_GUID.toString());
    assertThat(table.path("firstlba").asLong()).isEqualTo(34);
    assertThat(table.path("lastlba").asLong()).isEqualTo(layout.diskSize() / 512 - 34);
    JsonNode listed = table.path("partitions");
    assertThat(listed.size()).isEqualTo(5);
    for (int i = 0; i < partitions.size(); i++) {
      JsonNode entry = listed.get(i);
      GptPartitionSpec expected = partitions.get(i);
      assertThat(entry.path("node").asString()).endsWith("gpt.img" + (i + 1));
      assertThat(entry.path("start").asLong() * 512).isEqualTo(expected.offset());
      assertThat(entry.path("size").asLong() * 512).isEqualTo(expected.size());
      assertThat(entry.path("type").asString().toLowerCase(Locale.ROOT))
          .isEqualTo(expected.type().toString());
      assertThat(entry.path("uuid").asString().toLowerCase(Locale.ROOT))
          .isEqualTo(expected.guid().toString());
      assertThat(entry.path("name").asString()).isEqualTo(expected.name());
    }
    assertThat(listed.get(2).path("attrs").asString()).isEqualTo("LegacyBIOSBootable");

    assertThat(read(image).partitions())
        .extracting(Partition::number, Partition::name)
        .containsExactly(
            tuple(1, "resin-rootA"),
            tuple(2, "resin-rootB"),
            tuple(3, "resin-boot"),
            tuple(4, "resin-state"),
            tuple(5, "resin-data"));
  }

  @Test
  void gptMatchesSfdiskBytes() throws IOException {
    // sfdisk writes the same structures from a script; both tables must be byte-identical.
    List<GptPartitionSpec> partitions =
        List.of(
            new GptPartitionSpec(
                4 * MIB, 40 * MIB, GptPartitionSpec.EFI_SYSTEM, guid(1), "resin-boot", 0),
            new GptPartitionSpec(
                44 * MIB, 20 * MIB, GptPartitionSpec.LINUX_FILESYSTEM, guid(2), "resin-rootA", 0));
    Path ours = DiskTools.sparseFile(directory.resolve("ours.img"), 128 * MIB);
    PatchFiles.apply(ours, PartitionTableWriter.writeGpt(128 * MIB, DISK_GUID, partitions));
    Path theirs = DiskTools.sparseFile(directory.resolve("theirs.img"), 128 * MIB);
    DiskTools.sfdisk(
        theirs,
        "label: gpt\nlabel-id: "
            + DISK_GUID
            + "\nfirst-lba: 34\n"
            + "start=4MiB, size=40MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid="
            + guid(1)
            + ", name=resin-boot\n"
            + "start=44MiB, size=20MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid="
            + guid(2)
            + ", name=resin-rootA\n");

    assertThat(PartitionTableReaderIT.readBytes(ours, 512, 34 * 512 - 512))
        .isEqualTo(PartitionTableReaderIT.readBytes(theirs, 512, 34 * 512 - 512));
    assertThat(PartitionTableReaderIT.readBytes(ours, 128 * MIB - 33 * 512, 33 * 512))
        .isEqualTo(PartitionTableReaderIT.readBytes(theirs, 128 * MIB - 33 * 512, 33 * 512));
  }

  private static GptPartitionSpec linux(
      PartitionLayout layout, List<Long> sizes, int index, String name) {
    return new GptPartitionSpec(
        layout.offsets().get(index),
        sizes.get(index),
        GptPartitionSpec.LINUX_FILESYSTEM,
        guid(index + 1),
        name,
        0);
  }

  private static UUID guid(int number) {
    return UUID.fromString(String.format("a0b1c2d3-0000-4000-8000-%012d", number));
  }

  private static Tuple partitionTuple(int number, MbrPartitionSpec partition) {
    return tuple(number, partition.offset(), partition.size());
  }

  private static PartitionTable read(Path image) throws IOException {
    try (RecordedImage bytes = RecordedImage.open(image)) {
      return PartitionTableReader.read(bytes);
    }
  }
}
