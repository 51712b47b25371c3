package io.slipway.systemtest.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.process.ExternalCommand;
import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * A small base OS image as a Yocto build would lay it out, made and read only with tools Slipway
 * did not write: {@code sfdisk} writes an MBR with a FAT16 boot partition labelled {@code
 * resin-boot} and a Linux root partition, {@code mkfs.vfat} formats the boot partition in place,
 * and {@code mcopy} reads files back from a configured image at the offset {@code sfdisk --json}
 * gives. Each tool is required with {@link RequiredTool}, so a missing one fails under CI.
 */
final class BaseOsImage {

  /** The boot partition's MBR type: W95 FAT32 (LBA), as on Raspberry Pi images. */
  static final String BOOT_TYPE = "c";

  private static final long MIB = 1024 * 1024;
  private static final long SECTOR = 512;
  private static final long BOOT_START = MIB;
  private static final long BOOT_SIZE = 16 * MIB;
  private static final long IMAGE_SIZE = 24 * MIB;
  private static final ObjectMapper JSON = new ObjectMapper();

  private BaseOsImage() {}

  /**
   * Writes a 24 MiB sparse raw image to {@code image}: an empty FAT16 boot partition of 16 MiB at 1
   * MiB, and a root partition filling the rest. The boot partition contains no config.json.
   */
  static Path build(Path image) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(IMAGE_SIZE);
    }

    String table =
        "label: dos\n"
            + ("start=" + BOOT_START / SECTOR + ", size=" + BOOT_SIZE / SECTOR)
            + (", type=" + BOOT_TYPE + ", bootable\n")
            + ("start=" + (BOOT_START + BOOT_SIZE) / SECTOR + ", type=83\n");
    // sfdisk reads its script from standard input. ExternalCommand feeds input only through
    // secretStdin, which keeps it out of the log, although the script contains no secret.
    run(
        ExternalCommand.of(tool("/usr/sbin/sfdisk", "fdisk"), "--quiet", image.toString())
            .secretStdin(table));

    run(
        ExternalCommand.of(
            tool("/usr/sbin/mkfs.vfat", "dosfstools"),
            "-F",
            "16",
            "-n",
            "resin-boot",
            "-i",
            "5eed0b00",
            "--offset",
            Long.toString(BOOT_START / SECTOR),
            image.toString(),
            Long.toString(BOOT_SIZE / 1024)));
    return image;
  }

  /**
   * Returns the text (UTF-8) of the file {@code name} in the root directory of {@code image}'s boot
   * partition, which is the partition of type {@link #BOOT_TYPE} in the table that {@code sfdisk
   * --json} reads.
   *
   * @throws AssertionError when the table has no such partition or mcopy fails
   */
  static String bootFile(Path image, String name) throws IOException {
    long offset = bootPartitionOffset(image);
    CommandResult copied =
        run(
            ExternalCommand.of(
                    tool("/usr/bin/mcopy", "mtools"), "-i", image + "@@" + offset, "::" + name, "-")
                // mtools rejects a filesystem whose geometry does not match its partition unless
                // MTOOLS_SKIP_CHECK is set.
                .environment("MTOOLS_SKIP_CHECK", "1"));
    return copied.stdout();
  }

  private static long bootPartitionOffset(Path image) throws IOException {
    CommandResult listed =
        run(ExternalCommand.of(tool("/usr/sbin/sfdisk", "fdisk"), "--json", image.toString()));
    JsonNode table = JSON.readTree(listed.stdout()).path("partitiontable");
    long sectorSize = table.path("sectorsize").asLong(SECTOR);
    for (JsonNode partition : table.path("partitions")) {
      if (partition.path("type").asText().equals(BOOT_TYPE)) {
        return partition.path("start").asLong() * sectorSize;
      }
    }
    throw new AssertionError(
        "No partition of type " + BOOT_TYPE + " in " + image + ": " + listed.stdout());
  }

  private static String tool(String executable, String debianPackage) {
    return RequiredTool.require(executable, debianPackage).toString();
  }

  private static CommandResult run(ExternalCommand command) {
    return command.run().assertSucceeded();
  }
}
