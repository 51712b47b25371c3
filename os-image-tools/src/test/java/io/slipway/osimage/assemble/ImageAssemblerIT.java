package io.slipway.osimage.assemble;

import static io.slipway.osimage.testing.ExternalTool.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.disk.PartitionScheme;
import io.slipway.osimage.testing.ExternalTool;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Assembles images from inputs made with e2fsprogs, dosfstools and mtools, and checks them with
 * sfdisk, e2fsck, blkid, fsck.fat, mtools and bmaptool: tools Slipway did not write.
 */
class ImageAssemblerIT {

  private static final String E2FSPROGS = "e2fsprogs";
  private static final long MIB = 1L << 20;
  private static final long ROOTFS_SIZE = 30 * MIB;
  private static final byte[] CONFIG_JSON =
      "{\"fleet\":\"acme/gateways\"}\n".getBytes(StandardCharsets.UTF_8);

  @TempDir static Path inputs;

  @TempDir Path directory;

  private static Path rootfs;
  private static Path bootDirectory;
  private static Path bootImage;

  @BeforeAll
  static void buildInputs() throws Exception {
    Path tree = Files.createDirectories(inputs.resolve("rootfs/etc"));
    Files.writeString(tree.resolve("os-release"), "ID=slipway-test\nVERSION_ID=1.0\n");
    Files.write(inputs.resolve("rootfs/bin-blob"), pattern(3 * MIB));
    rootfs = inputs.resolve("rootfs.ext4");
    output(
        "/usr/sbin/mkfs.ext4",
        E2FSPROGS,
        "-q",
        "-F",
        "-L",
        "resin-rootA",
        "-U",
        "3b0c9f1e-2d4a-4e5b-8c6d-7e8f9a0b1c2d",
        "-E",
        "root_owner=0:0",
        "-d",
        inputs.resolve("rootfs").toString(),
        rootfs.toString(),
        (ROOTFS_SIZE / 1024) + "k");

    bootDirectory = Files.createDirectories(inputs.resolve("boot/overlays"));
    bootDirectory = inputs.resolve("boot");
    Files.writeString(bootDirectory.resolve("config.txt"), "enable_uart=1\n");
    Files.write(bootDirectory.resolve("kernel8.img"), pattern(2 * MIB));
    Files.write(bootDirectory.resolve("overlays/disable-bt.dtbo"), pattern(4096));

    bootImage = inputs.resolve("boot.vfat");
    output(
        "/usr/sbin/mkfs.vfat",
        "dosfstools",
        "-C",
        "-n",
        "RESIN-BOOT",
        "-i",
        "1a2b3c4d",
        bootImage.toString(),
        String.valueOf(16 * 1024));
    output(
        "/usr/bin/mcopy",
        "mtools",
        "-i",
        bootImage.toString(),
        bootDirectory.resolve("config.txt").toString(),
        "::config.txt");
  }

  @Test
  void mbrImageHasAlignedPrimaryAndLogicalPartitions() throws Exception {
    Path image = assemble(PartitionScheme.MBR, builder());

    JsonNode table = partitionTable(image);

    assertThat(table.get("label").asString()).isEqualTo("dos");
    List<JsonNode> partitions = list(table.get("partitions"));
    assertThat(partitions)
        .extracting(p -> p.get("node").asString())
        .containsExactly(
            image + "1", image + "2", image + "3", image + "4", image + "5", image + "6");
    assertThat(partitions)
        .extracting(p -> p.get("type").asString())
        .containsExactly("e", "83", "83", "f", "83", "83");
    assertThat(partitions).allSatisfy(p -> assertThat(p.get("start").asLong() % 8192).isZero());
    assertThat(partitions.get(0).get("bootable").asBoolean()).isTrue();
    assertThat(sizeInBytes(partitions.get(0))).isEqualTo(ImageAssembler.DEFAULT_BOOT_SIZE);
    assertThat(sizeInBytes(partitions.get(1))).isEqualTo(32 * MIB);
    assertThat(sizeInBytes(partitions.get(2))).isEqualTo(32 * MIB);
    assertThat(sizeInBytes(partitions.get(4))).isEqualTo(ImageAssembler.DEFAULT_STATE_SIZE);
    assertThat(sizeInBytes(partitions.get(5))).isEqualTo(ImageAssembler.DEFAULT_DATA_SIZE);
    String verify = output("/usr/sbin/sfdisk", "fdisk", "--verify", image.toString());
    assertThat(verify).contains("No errors detected");
  }

  @Test
  void gptImageHasFiveNamedAlignedPartitions() throws Exception {
    Path image = assemble(PartitionScheme.GPT, builder());

    JsonNode table = partitionTable(image);

    assertThat(table.get("label").asString()).isEqualTo("gpt");
    List<JsonNode> partitions = list(table.get("partitions"));
    assertThat(partitions)
        .extracting(p -> p.get("name").asString())
        .containsExactly("resin-boot", "resin-rootA", "resin-rootB", "resin-state", "resin-data");
    assertThat(partitions).allSatisfy(p -> assertThat(p.get("start").asLong() % 8192).isZero());
    assertThat(partitions.get(0).get("type").asString())
        .isEqualToIgnoringCase("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    assertThat(sizeInBytes(partitions.get(2))).isEqualTo(sizeInBytes(partitions.get(1)));
    String verify = output("/usr/sbin/sfdisk", "fdisk", "--verify", image.toString());
    assertThat(verify).contains("No errors detected");
  }

  @ParameterizedTest
  @EnumSource(PartitionScheme.class)
  void rootAIsTheRootfsByteForByte(PartitionScheme scheme) throws Exception {
    Path image = assemble(scheme, builder());

    Path rootA = extract(image, partition(image, 1), "rootA");

    assertThat(Files.mismatch(rootA, rootfs)).isEqualTo(ROOTFS_SIZE);
    assertThat(Files.size(rootA)).isEqualTo(32 * MIB);
    assertThat(isZeroFrom(rootA, ROOTFS_SIZE)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(PartitionScheme.class)
  void everyExt4PartitionPassesE2fsck(PartitionScheme scheme) throws Exception {
    Path image = assemble(scheme, builder());

    for (int index = 1; index <= 4; index++) {
      Path partition = extract(image, partition(image, index), "part" + index);
      ExternalTool.Result check =
          ExternalTool.run("/usr/sbin/e2fsck", E2FSPROGS, "-fn", partition.toString());
      assertThat(check.exitCode()).as("partition %d: %s", index, check.output()).isZero();
    }
  }

  @Test
  void ext4PartitionsHaveLabelsAndLostAndFound() throws Exception {
    Path image = assemble(PartitionScheme.GPT, builder());

    List<String> labels = new ArrayList<>();
    for (int index = 1; index <= 4; index++) {
      Path partition = extract(image, partition(image, index), "part" + index);
      labels.add(output("/usr/sbin/e2label", E2FSPROGS, partition.toString()).trim());
      String listing =
          output("/usr/sbin/debugfs", E2FSPROGS, "-R", "ls -l /", partition.toString());
      assertThat(listing).as("partition %d", index).contains("lost+found");
    }

    assertThat(labels).containsExactly("resin-rootA", "resin-rootB", "resin-state", "resin-data");
  }

  @Test
  void bootImageCopiedWithoutFiles() throws Exception {
    Path image = assemble(PartitionScheme.MBR, builder().files(new TreeMap<>()));

    Path boot = extract(image, partition(image, 0), "boot");

    assertThat(Files.mismatch(boot, bootImage)).isEqualTo(Files.size(bootImage));
    String check = output("/usr/sbin/fsck.fat", "dosfstools", "-n", boot.toString());
    assertThat(check).doesNotContain("Free cluster summary wrong");
  }

  @ParameterizedTest
  @EnumSource(PartitionScheme.class)
  void bootImageGetsConfigJson(PartitionScheme scheme) throws Exception {
    Path image = assemble(scheme, builder().files(configJson()));

    Path boot = extract(image, partition(image, 0), "boot");

    assertFatClean(boot);
    String config = output("/usr/bin/mtype", "mtools", "-i", boot.toString(), "::config.json");
    assertThat(config).isEqualTo(new String(CONFIG_JSON, StandardCharsets.UTF_8));
    String original = output("/usr/bin/mtype", "mtools", "-i", boot.toString(), "::config.txt");
    assertThat(original).isEqualTo("enable_uart=1\n");
  }

  @ParameterizedTest
  @EnumSource(PartitionScheme.class)
  void bootDirectoryBecomesFatWithConfigJson(PartitionScheme scheme) throws Exception {
    Path image = assemble(scheme, directoryBuilder());

    Path boot = extract(image, partition(image, 0), "boot");

    assertFatClean(boot);
    String config = output("/usr/bin/mtype", "mtools", "-i", boot.toString(), "::config.json");
    assertThat(config).isEqualTo(new String(CONFIG_JSON, StandardCharsets.UTF_8));
    Path overlay = directory.resolve("disable-bt.dtbo");
    output(
        "/usr/bin/mcopy",
        "mtools",
        "-i",
        boot.toString(),
        "::overlays/disable-bt.dtbo",
        overlay.toString());
    assertThat(overlay).hasSameBinaryContentAs(bootDirectory.resolve("overlays/disable-bt.dtbo"));
    String label = output("/usr/sbin/fatlabel", "dosfstools", boot.toString()).trim();
    assertThat(label).isEqualToIgnoringCase("resin-boot");
  }

  @Test
  void bootOfHalfGibibyteIsFat32() throws Exception {
    Path image = assemble(PartitionScheme.MBR, directoryBuilder().bootSize(512 * MIB));

    JsonNode first = list(partitionTable(image).get("partitions")).get(0);

    assertThat(first.get("type").asString()).isEqualTo("c");
    Path boot = extract(image, partition(image, 0), "boot");
    assertFatClean(boot);
  }

  @Test
  void bootLabelNamesFatAndGptPartition() throws Exception {
    Path image = assemble(PartitionScheme.GPT, directoryBuilder().bootLabel("flash-boot"));

    Path boot = extract(image, partition(image, 0), "boot");

    String label = output("/usr/sbin/fatlabel", "dosfstools", boot.toString()).trim();
    assertThat(label).isEqualToIgnoringCase("flash-boot");
    JsonNode first = list(partitionTable(image).get("partitions")).get(0);
    assertThat(first.get("name").asString()).isEqualTo("flash-boot");
  }

  @Test
  void addedFileReplacesBootFileIgnoringCase() throws Exception {
    Path boot = Files.createDirectories(directory.resolve("boot-upper"));
    Files.writeString(boot.resolve("CONFIG.JSON"), "{\"stale\":true}");
    Path image = directory.resolve("image.img");
    ImageAssembler.builder()
        .bootDirectory(boot)
        .rootfs(rootfs)
        .files(configJson())
        .build()
        .assemble(image);

    Path partition = extract(image, partition(image, 0), "boot");

    String listing = output("/usr/bin/mdir", "mtools", "-b", "-i", partition.toString(), "::");
    assertThat(listing.lines().filter(line -> line.equalsIgnoreCase("::/config.json"))).hasSize(1);
    String config = output("/usr/bin/mtype", "mtools", "-i", partition.toString(), "::config.json");
    assertThat(config).isEqualTo(new String(CONFIG_JSON, StandardCharsets.UTF_8));
  }

  @Test
  void sameBootDirectoryGivesSameBytes() throws Exception {
    AssembleResult first = directoryBuilder().build().assemble(directory.resolve("first.img"));
    AssembleResult second = directoryBuilder().build().assemble(directory.resolve("second.img"));

    assertThat(second.sha256()).isEqualTo(first.sha256());
  }

  @Test
  void sameInputsGiveSameBytes() throws Exception {
    Path first = directory.resolve("first.img");
    Path second = directory.resolve("second.img");

    AssembleResult firstResult = builder().build().assemble(first);
    AssembleResult secondResult = builder().build().assemble(second);

    assertThat(secondResult.sha256()).isEqualTo(firstResult.sha256());
    assertThat(Files.mismatch(first, second)).isEqualTo(-1);
    assertThat(secondResult.bmap()).isEqualTo(firstResult.bmap());
  }

  @Test
  void resultMatchesTheWrittenFile() throws Exception {
    Path image = directory.resolve("image.img");

    AssembleResult result = builder().build().assemble(image);

    assertThat(result.rawSize()).isEqualTo(Files.size(image));
    String sha256sum = output("/usr/bin/sha256sum", "coreutils", image.toString());
    assertThat(sha256sum).startsWith(result.sha256() + " ");
  }

  @Test
  void writesBmapAndSha256Files() throws Exception {
    Path image = directory.resolve("image.img");

    AssembleResult result = builder().build().assemble(image);

    assertThat(directory.resolve("image.img.bmap")).hasBinaryContent(result.bmap());
    assertThat(Files.readString(directory.resolve("image.img.sha256")))
        .isEqualTo(result.sha256() + "  image.img\n");
    assertThat(directory)
        .isDirectoryNotContaining(path -> path.getFileName().toString().contains(".tmp-"));
  }

  @Test
  void imageFileIsSparse() throws Exception {
    Path image = assemble(PartitionScheme.MBR, builder());

    String[] blocks =
        output("/usr/bin/stat", "coreutils", "-c", "%b %B %s", image.toString()).trim().split(" ");

    long allocated = Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
    assertThat(allocated).isLessThan(Long.parseLong(blocks[2]) / 2);
  }

  @ParameterizedTest
  @EnumSource(PartitionScheme.class)
  void bmaptoolCopyReproducesTheImage(PartitionScheme scheme) throws Exception {
    Path image = directory.resolve("image.img");
    AssembleResult result = builder().scheme(scheme).build().assemble(image);
    Path bmap = Files.write(directory.resolve("image.bmap"), result.bmap());
    Path copy = directory.resolve("copy.img");

    output(
        "/usr/bin/bmaptool",
        "bmap-tools",
        "copy",
        "--bmap",
        bmap.toString(),
        image.toString(),
        copy.toString());

    assertThat(Files.mismatch(copy, image)).isEqualTo(-1);
  }

  @Test
  void rootSizeSetsBothSlots() throws Exception {
    Path image = assemble(PartitionScheme.GPT, builder().rootSize(61 * MIB));

    List<JsonNode> partitions = list(partitionTable(image).get("partitions"));

    assertThat(sizeInBytes(partitions.get(1))).isEqualTo(64 * MIB);
    assertThat(sizeInBytes(partitions.get(2))).isEqualTo(64 * MIB);
  }

  @Test
  void tinyRootfsGetsEightMebibyteSlots() throws Exception {
    Path tiny = directory.resolve("tiny.ext4");
    output(
        "/usr/sbin/mkfs.ext4", E2FSPROGS, "-q", "-F", "-L", "resin-rootA", tiny.toString(), "2M");
    Path image = directory.resolve("image.img");
    builder().rootfs(tiny).scheme(PartitionScheme.GPT).build().assemble(image);

    List<JsonNode> partitions = list(partitionTable(image).get("partitions"));

    assertThat(sizeInBytes(partitions.get(1))).isEqualTo(8 * MIB);
    Path rootB = extract(image, partition(image, 2), "rootB");
    ExternalTool.Result check =
        ExternalTool.run("/usr/sbin/e2fsck", E2FSPROGS, "-fn", rootB.toString());
    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  @Test
  void rootSizeBelowRootfsIsRejected() {
    Path output = directory.resolve("out.img");

    assertThatThrownBy(() -> builder().rootSize(16 * MIB).build().assemble(output))
        .isInstanceOf(OsImageException.class)
        .hasMessageContaining(String.valueOf(16 * MIB))
        .extracting(e -> ((OsImageException) e).failure())
        .isEqualTo(OsImageFailure.INVALID_INPUT);
    assertThat(directory).isEmptyDirectory();
  }

  @Test
  void progressReachesImageSize() throws Exception {
    List<long[]> reports = new ArrayList<>();
    ImageAssembler assembler =
        builder().progress((done, total) -> reports.add(new long[] {done, total})).build();

    AssembleResult result = assembler.assemble(directory.resolve("image.img"));

    assertThat(reports).isNotEmpty();
    assertThat(reports.get(reports.size() - 1)).containsExactly(result.rawSize(), result.rawSize());
  }

  @Test
  void outputThatIsTheRootfsIsRejected() throws Exception {
    Path copy = Files.copy(rootfs, directory.resolve("rootfs.ext4"));

    assertThatThrownBy(() -> builder().rootfs(copy).build().assemble(copy))
        .isInstanceOf(OsImageException.class)
        .extracting(e -> ((OsImageException) e).failure())
        .isEqualTo(OsImageFailure.INVALID_INPUT);
    assertThat(copy).hasSameBinaryContentAs(rootfs);
  }

  @Test
  void missingRootfsIsInvalidInput() {
    Path missing = directory.resolve("missing.ext4");

    assertThatThrownBy(
            () -> builder().rootfs(missing).build().assemble(directory.resolve("out.img")))
        .isInstanceOf(OsImageException.class)
        .hasMessageContaining(missing.toString())
        .extracting(e -> ((OsImageException) e).failure())
        .isEqualTo(OsImageFailure.INVALID_INPUT);
    assertThat(directory).isEmptyDirectory();
  }

  @Test
  void rootfsThatIsNotExt4IsInvalidInput() throws Exception {
    Path notExt4 = Files.write(directory.resolve("rootfs.squashfs"), pattern(8 * MIB));
    Path output = directory.resolve("out.img");

    assertThatThrownBy(() -> builder().rootfs(notExt4).build().assemble(output))
        .isInstanceOf(OsImageException.class)
        .hasMessageContaining("0xEF53")
        .extracting(e -> ((OsImageException) e).failure())
        .isEqualTo(OsImageFailure.INVALID_INPUT);
    assertThat(directory)
        .isDirectoryNotContaining(path -> path.getFileName().toString().startsWith("out.img"));
  }

  @Test
  void bootImageLargerThanBootPartitionIsRejected() throws Exception {
    Path output = directory.resolve("out.img");

    assertThatThrownBy(() -> builder().bootSize(8 * MIB).build().assemble(output))
        .isInstanceOf(OsImageException.class)
        .extracting(e -> ((OsImageException) e).failure())
        .isEqualTo(OsImageFailure.BOOT_PARTITION_FULL);
    assertThat(directory).isEmptyDirectory();
  }

  @Test
  void bootFilesLargerThanBootPartitionAreRejected() throws Exception {
    Path bigBoot = Files.createDirectories(directory.resolve("big-boot"));
    Files.write(bigBoot.resolve("kernel.img"), pattern(5 * MIB));
    Path output = directory.resolve("out.img");
    ImageAssembler assembler =
        ImageAssembler.builder().bootDirectory(bigBoot).rootfs(rootfs).bootSize(4 * MIB).build();

    assertThatThrownBy(() -> assembler.assemble(output))
        .isInstanceOf(OsImageException.class)
        .extracting(e -> ((OsImageException) e).failure())
        .isEqualTo(OsImageFailure.BOOT_PARTITION_FULL);
    assertThat(directory)
        .isDirectoryNotContaining(path -> path.getFileName().toString().startsWith("out.img"));
  }

  @Test
  void outputGetsPermissionsFromTheUmask() throws Exception {
    Path image = assemble(PartitionScheme.MBR, builder());

    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(image);

    assertThat(permissions)
        .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OTHERS_READ);
  }

  @Test
  void bootLabelWithSpaceIsRejected() {
    assertThatThrownBy(() -> builder().bootLabel("resin boot").build())
        .isInstanceOf(OsImageException.class)
        .hasMessageContaining("'resin boot'");
  }

  @Test
  void bothBootSourcesAreRejected() {
    assertThatThrownBy(() -> builder().bootDirectory(bootDirectory).build())
        .isInstanceOf(OsImageException.class)
        .hasMessageContaining("exactly one");
  }

  private static void assertFatClean(Path boot) throws Exception {
    ExternalTool.Result check =
        ExternalTool.run("/usr/sbin/fsck.fat", "dosfstools", "-n", boot.toString());
    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  private static SortedMap<String, byte[]> configJson() {
    SortedMap<String, byte[]> files = new TreeMap<>();
    files.put("config.json", CONFIG_JSON);
    return files;
  }

  private static ImageAssembler.Builder directoryBuilder() {
    return ImageAssembler.builder().bootDirectory(bootDirectory).rootfs(rootfs).files(configJson());
  }

  private static ImageAssembler.Builder builder() {
    return ImageAssembler.builder().bootImage(bootImage).rootfs(rootfs).files(configJson());
  }

  private Path assemble(PartitionScheme scheme, ImageAssembler.Builder builder) throws IOException {
    Path image = directory.resolve(scheme.name().toLowerCase() + ".img");
    builder.scheme(scheme).build().assemble(image);
    return image;
  }

  private static JsonNode partitionTable(Path image) throws Exception {
    String json = output("/usr/sbin/sfdisk", "fdisk", "--json", image.toString());
    return JsonMapper.builder().build().readTree(json).get("partitiontable");
  }

  /** Returns the offset and size in bytes of the data partition at {@code index} in table order. */
  private static long[] partition(Path image, int index) throws Exception {
    List<JsonNode> partitions = new ArrayList<>();
    for (JsonNode partition : list(partitionTable(image).get("partitions"))) {
      String type = partition.get("type").asString();
      if (!type.equals("5") && !type.equals("f")) {
        partitions.add(partition);
      }
    }
    JsonNode chosen = partitions.get(index);
    return new long[] {chosen.get("start").asLong() * 512, sizeInBytes(chosen)};
  }

  private Path extract(Path image, long[] extent, String name) throws IOException {
    Path target = directory.resolve(name + ".part");
    try (FileChannel source = FileChannel.open(image, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long copied = 0;
      while (copied < extent[1]) {
        copied += source.transferTo(extent[0] + copied, extent[1] - copied, out);
      }
    }
    return target;
  }

  private static boolean isZeroFrom(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (int index = (int) offset; index < bytes.length; index++) {
      if (bytes[index] != 0) {
        return false;
      }
    }
    return true;
  }

  private static long sizeInBytes(JsonNode partition) {
    return partition.get("size").asLong() * 512;
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> nodes = new ArrayList<>();
    array.forEach(nodes::add);
    return nodes;
  }

  /** Returns bytes that are never all zeros in a 4 KiB block, so that every block is mapped. */
  private static byte[] pattern(long length) {
    byte[] bytes = new byte[(int) length];
    for (int index = 0; index < bytes.length; index++) {
      bytes[index] = (byte) (index * 31 + 7);
    }
    return bytes;
  }
}
