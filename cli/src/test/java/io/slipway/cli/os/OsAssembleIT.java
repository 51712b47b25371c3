package io.slipway.cli.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.CliRun;
import io.slipway.cli.ExitCode;
import io.slipway.osimage.config.DeviceConfig;
import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code slipway os assemble --config} run in-process on a root filesystem made with {@code
 * mkfs.ext4 -d} and a directory of boot files, checked with sfdisk, mtools, e2fsck and bmaptool.
 * Offline: the home directory is empty and no server variable is set.
 */
class OsAssembleIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long MIB = 1L << 20;

  @TempDir Path home;
  @TempDir Path work;

  private Path bootDirectory;
  private Path rootfs;
  private Path config;
  private Path outputs;

  @BeforeEach
  void buildInputs() throws IOException {
    bootDirectory = Files.createDirectories(work.resolve("boot"));
    Files.writeString(
        bootDirectory.resolve("cmdline.txt"), "console=serial0 root=/dev/mmcblk0p2\n");
    Files.createDirectories(bootDirectory.resolve("overlays"));
    Files.writeString(bootDirectory.resolve("overlays/README"), "device tree overlays\n");

    Path rootContent = Files.createDirectories(work.resolve("rootfs-content/etc"));
    Files.writeString(rootContent.resolve("os-release"), "NAME=Slipway OS\n");
    rootfs = work.resolve("rootfs.ext4");
    Path mkfs = RequiredTool.require("/usr/sbin/mkfs.ext4", "e2fsprogs");
    BaseImages.run(
        List.of(
            mkfs.toString(),
            "-q",
            "-F",
            "-L",
            "resin-rootA",
            "-d",
            rootContent.getParent().toString(),
            rootfs.toString(),
            "24M"),
        "");
    config = Files.writeString(work.resolve("config.json"), DeviceConfigs.validJson());
    outputs = Files.createDirectories(work.resolve("out"));
  }

  private CliRun cli() {
    return new CliRun(home);
  }

  private CliRun.Result assemble(CliRun cli, Path output, String... extra) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "os",
            "assemble",
            "--boot",
            bootDirectory.toString(),
            "--rootfs",
            rootfs.toString(),
            "--config",
            config.toString(),
            "-o",
            output.toString()));
    args.addAll(List.of(extra));
    return cli.run(args.toArray(String[]::new));
  }

  @Test
  void assembleLaysOutTheFivePartitions() throws IOException {
    Path output = outputs.resolve("device.img");

    CliRun.Result result = assemble(cli(), output, "--quiet");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode table = partitionTable(output);
    assertThat(table.get("label").asString()).isEqualTo("dos");
    List<String> types = new ArrayList<>();
    for (JsonNode partition : table.get("partitions")) {
      types.add(partition.get("type").asString());
    }
    assertThat(types).containsExactly("e", "83", "83", "f", "83", "83");
    assertThat(home).isEmptyDirectory();
  }

  @Test
  void assembleWritesConfigJsonIntoTheBootPartition() throws IOException {
    Path output = outputs.resolve("device.img");

    CliRun.Result result = assemble(cli(), output, "--quiet", "--scheme", "gpt");

    assertThat(result.exitCode()).as(result.err()).isZero();
    long bootOffset = partitionTable(output).get("partitions").get(0).get("start").asLong() * 512;
    String written = readBootFile(output, bootOffset, "config.json");
    assertThat(DeviceConfig.parse(written.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(DeviceConfigs.valid());
    assertThat(readBootFile(output, bootOffset, "cmdline.txt"))
        .isEqualTo("console=serial0 root=/dev/mmcblk0p2\n");
  }

  @Test
  void assembleCopiesTheRootFilesystemIntoRootA() throws IOException {
    Path output = outputs.resolve("device.img");

    CliRun.Result result = assemble(cli(), output, "--quiet");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode rootA = partitionTable(output).get("partitions").get(1);
    Path extracted =
        extract(output, rootA.get("start").asLong() * 512, rootA.get("size").asLong() * 512);
    Path e2fsck = RequiredTool.require("/usr/sbin/e2fsck", "e2fsprogs");
    BaseImages.run(List.of(e2fsck.toString(), "-fn", extracted.toString()), "");
    Path debugfs = RequiredTool.require("/usr/sbin/debugfs", "e2fsprogs");
    String osRelease =
        BaseImages.run(
            List.of(debugfs.toString(), "-R", "cat /etc/os-release", extracted.toString()), "");
    assertThat(osRelease).isEqualTo("NAME=Slipway OS\n");
  }

  @Test
  void assembleWritesABmapThatBmaptoolCopies() throws IOException {
    Path output = outputs.resolve("device.img");

    CliRun.Result result = assemble(cli(), output, "--json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode document = JSON.readTree(result.out());
    Path bmap = outputs.resolve("device.img.bmap");
    assertThat(document.get("bmap").asString()).isEqualTo(bmap.toString());
    Path copy = work.resolve("copy.img");
    BaseImages.bmaptoolCopy(bmap, output, copy);
    assertThat(Files.mismatch(copy, output)).isEqualTo(-1L);
  }

  @Test
  void assembleWritesTheSha256File() throws IOException {
    Path output = outputs.resolve("device.img");

    CliRun.Result result = assemble(cli(), output, "--json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    String sha256 = JSON.readTree(result.out()).get("sha256").asString();
    assertThat(Files.readString(outputs.resolve("device.img.sha256")))
        .isEqualTo(sha256 + "  device.img\n");
    Path sha256sum = RequiredTool.require("/usr/bin/sha256sum", "coreutils");
    String computed = BaseImages.run(List.of(sha256sum.toString(), output.toString()), "");
    assertThat(computed).startsWith(sha256 + " ");
  }

  @Test
  void sourceDateEpochMakesTheImageReproducible() throws IOException {
    Path first = outputs.resolve("first.img");
    Path second = outputs.resolve("second.img");
    Path later = outputs.resolve("later.img");

    assemble(cli().variable("SOURCE_DATE_EPOCH", "1700000000"), first, "--quiet");
    assemble(cli().variable("SOURCE_DATE_EPOCH", "1700000000"), second, "--quiet");
    assemble(cli().variable("SOURCE_DATE_EPOCH", "1800000000"), later, "--quiet");

    assertThat(Files.mismatch(first, second)).isEqualTo(-1L);
    assertThat(Files.mismatch(first, later)).isNotEqualTo(-1L);
  }

  @Test
  void rootfsThatIsNotExt4LeavesNothingBehind() throws IOException {
    Files.write(rootfs, new byte[(int) (4 * MIB)]);
    Path output = outputs.resolve("device.img");

    CliRun.Result result = assemble(cli(), output, "--quiet");

    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err()).contains(rootfs.toString()).contains("ext4");
    assertThat(listing(outputs)).isEmpty();
  }

  @Test
  void oversizedBootFilesLeaveNothing() throws IOException {
    Files.write(bootDirectory.resolve("kernel.img"), new byte[(int) (6 * MIB)]);
    Path output = outputs.resolve("device.img");

    CliRun.Result result = assemble(cli(), output, "--quiet", "--boot-size", "4MiB");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.IMAGE_REJECTED);
    assertThat(listing(outputs)).isEmpty();
  }

  @Test
  void compressedOutputNameIsRejected() {
    CliRun.Result result = assemble(cli(), outputs.resolve("device.img.xz"), "--quiet");

    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err()).contains("device.img.xz");
  }

  @Test
  void sizeWithoutUnitIsRejected() {
    CliRun.Result result =
        assemble(cli(), outputs.resolve("device.img"), "--quiet", "--data-size", "64");

    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err()).contains("64").contains("MiB");
  }

  @Test
  void existingOutputNeedsForce() throws IOException {
    Path output = outputs.resolve("device.img");
    Files.writeString(outputs.resolve("device.img.bmap"), "old");

    CliRun.Result rejected = assemble(cli(), output, "--quiet");
    CliRun.Result forced = assemble(cli(), output, "--quiet", "--force");

    assertThat(rejected.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(rejected.err()).contains("device.img.bmap").contains("--force");
    assertThat(forced.exitCode()).as(forced.err()).isZero();
    assertThat(Files.readString(outputs.resolve("device.img.bmap"))).startsWith("<?xml");
  }

  private static JsonNode partitionTable(Path image) throws IOException {
    Path sfdisk = RequiredTool.require("/usr/sbin/sfdisk", "fdisk");
    String json = BaseImages.run(List.of(sfdisk.toString(), "--json", image.toString()), "");
    return JSON.readTree(json).get("partitiontable");
  }

  private static String readBootFile(Path image, long offset, String path) throws IOException {
    Path mtype = RequiredTool.require("/usr/bin/mtype", "mtools");
    return BaseImages.run(List.of(mtype.toString(), "-i", image + "@@" + offset, "::" + path), "");
  }

  private Path extract(Path image, long offset, long size) throws IOException {
    Path partition = work.resolve("partition-" + offset + ".ext4");
    try (FileChannel source = FileChannel.open(image);
        FileChannel target =
            FileChannel.open(partition, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long copied = 0;
      while (copied < size) {
        copied += source.transferTo(offset + copied, size - copied, target);
      }
    }
    return partition;
  }

  private static List<String> listing(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(file -> file.getFileName().toString()).toList();
    }
  }
}
