package io.slipway.cli.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds small base OS images with the standard tools, as a Yocto build would lay them out: an MBR
 * with a FAT16 boot partition labelled {@code resin-boot} and a root partition filled with a known
 * pattern. Reads files back with mtools. Each tool is required with {@link RequiredTool}.
 */
final class BaseImages {

  /** Where the boot partition starts: 1 MiB. */
  static final long BOOT_OFFSET = 1L << 20;

  /** The boot partition's size: 16 MiB. */
  static final long BOOT_SIZE = 16L << 20;

  /** The whole image's size: 24 MiB. */
  static final long IMAGE_SIZE = 24L << 20;

  private BaseImages() {}

  /** Writes the image to {@code image}, using {@code scratch} for the boot filesystem. */
  static Path mbr(Path image, Path scratch) throws IOException {
    Path sfdisk = RequiredTool.require("/usr/sbin/sfdisk", "fdisk");
    Path mkfs = RequiredTool.require("/usr/sbin/mkfs.vfat", "dosfstools");
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(IMAGE_SIZE);
    }
    long bootSectors = BOOT_SIZE / 512;
    run(
        List.of(sfdisk.toString(), "--quiet", image.toString()),
        "label: dos\nstart=2048, size="
            + bootSectors
            + ", type=e, bootable\nstart="
            + (2048 + bootSectors)
            + ", type=83\n");

    Path boot = scratch.resolve("boot.fat");
    Files.deleteIfExists(boot);
    run(
        List.of(
            mkfs.toString(),
            "-C",
            "-F",
            "16",
            "-n",
            "resin-boot",
            "-i",
            "1234abcd",
            boot.toString(),
            Long.toString(BOOT_SIZE / 1024)),
        "");
    try (FileChannel target = FileChannel.open(image, StandardOpenOption.WRITE);
        FileChannel source = FileChannel.open(boot)) {
      source.transferTo(0, source.size(), target.position(BOOT_OFFSET));
      byte[] root = new byte[(int) (IMAGE_SIZE - BOOT_OFFSET - BOOT_SIZE)];
      for (int i = 0; i < root.length; i++) {
        root[i] = (byte) (i * 31 + 7);
      }
      target.write(java.nio.ByteBuffer.wrap(root), BOOT_OFFSET + BOOT_SIZE);
    }
    return image;
  }

  /** Returns the content of {@code path} in the boot partition of the raw image, read by mtype. */
  static String readBootFile(Path image, String path) throws IOException {
    Path mtype = RequiredTool.require("/usr/bin/mtype", "mtools");
    return run(List.of(mtype.toString(), "-i", image + "@@" + BOOT_OFFSET, "::" + path), "");
  }

  /** Copies {@code image} to {@code copy} with {@code bmaptool copy} and the bmap {@code bmap}. */
  static void bmaptoolCopy(Path bmap, Path image, Path copy) throws IOException {
    Path bmaptool = RequiredTool.require("/usr/bin/bmaptool", "bmap-tools");
    run(
        List.of(
            bmaptool.toString(),
            "copy",
            "--bmap",
            bmap.toString(),
            image.toString(),
            copy.toString()),
        "");
  }

  /** Runs a command to its end and returns its standard output; fails on a non-zero exit. */
  static String run(List<String> command, String stdin) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
    // mtools rejects a partition offset whose geometry it finds odd unless MTOOLS_SKIP_CHECK is
    // set.
    builder.environment().putAll(Map.of("MTOOLS_SKIP_CHECK", "1"));
    Process process = builder.start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while running " + command, e);
    }
    assertThat(process.exitValue()).as("%s: %s", command, err).isZero();
    return out;
  }
}
