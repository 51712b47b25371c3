package io.slipway.api.osimage;

import io.slipway.osimage.image.ImageFormat;
import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Builds base OS images for the server tests with the standard tools, and reads configured images
 * back with them: {@code sfdisk} and {@code mkfs.vfat} make a disk image, {@code zip}, {@code
 * gzip}, {@code xz} and {@code zstd} pack and unpack it, and {@code mtype} reads a file from its
 * boot partition. Each tool runs to completion and a non-zero exit fails with its output.
 */
final class BaseImages {

  static final long MIB = 1024 * 1024;

  /** The raw size of every image built here. */
  static final long SIZE = 64 * MIB;

  /** Where the boot partition starts. */
  static final long BOOT_OFFSET = MIB;

  /** Where the random content of the second partition starts, past the boot partition. */
  static final long DATA_OFFSET = 40 * MIB;

  /** How many random bytes the second partition holds, so that packed images stay large there. */
  static final int DATA_SIZE = (int) (4 * MIB);

  private BaseImages() {}

  /**
   * Builds a sparse MBR image shaped like a Raspberry Pi image: a 32 MiB FAT16 partition at 1 MiB
   * labelled {@code bootLabel}, and a Linux partition behind it with random bytes at {@link
   * #DATA_OFFSET}.
   */
  static Path raw(Path directory, String name, String bootLabel) throws IOException {
    Path image = directory.resolve(name + ".img");
    try (FileChannel channel =
        FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.allocate(1), SIZE - 1);
    }
    run(
        List.of(
            tool("/usr/sbin/sfdisk", "fdisk"),
            "--quiet",
            "--no-reread",
            "--no-tell-kernel",
            image.toString()),
        "label: dos\nstart=2048, size=65536, type=c\nstart=67584, type=83\n");
    run(
        List.of(
            tool("/usr/sbin/mkfs.vfat", "dosfstools"),
            "-F",
            "16",
            "-n",
            bootLabel,
            "-i",
            "5a1b2c3d",
            "--offset",
            Long.toString(BOOT_OFFSET / 512),
            image.toString(),
            Long.toString(32 * 1024)),
        "");
    byte[] data = new byte[DATA_SIZE];
    new Random(name.hashCode()).nextBytes(data);
    try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(data), DATA_OFFSET);
    }
    return image;
  }

  /** Packs the raw image {@code raw} in {@code format} next to it; returns the packed file. */
  static Path pack(Path raw, ImageFormat format) throws IOException {
    Path packed = raw.resolveSibling(raw.getFileName() + format.extension().substring(3));
    if (format != ImageFormat.IMG) {
      // zip would add to an archive left by an earlier call instead of replacing it.
      Files.deleteIfExists(packed);
    }
    switch (format) {
      case IMG -> {
        return raw;
      }
      case IMG_ZIP ->
          run(
              List.of(tool("/usr/bin/zip", "zip"), "-q", "-j", packed.toString(), raw.toString()),
              "");
      case IMG_GZ -> runTo(List.of(tool("/usr/bin/gzip", "gzip"), "-c", raw.toString()), packed);
      case IMG_XZ ->
          runTo(
              List.of(tool("/usr/bin/xz", "xz-utils"), "-c", "-0", "-T1", raw.toString()), packed);
      case IMG_ZST ->
          runTo(List.of(tool("/usr/bin/zstd", "zstd"), "-q", "-c", raw.toString()), packed);
    }
    return packed;
  }

  /**
   * Unpacks the downloaded {@code file} of {@code format} into a raw image; for a zip, the entry
   * {@code imageName}.
   */
  static Path unpack(Path file, ImageFormat format, String imageName) throws IOException {
    Path raw = file.resolveSibling(file.getFileName() + ".raw");
    switch (format) {
      case IMG -> {
        return file;
      }
      case IMG_ZIP ->
          runTo(List.of(tool("/usr/bin/unzip", "unzip"), "-p", file.toString(), imageName), raw);
      case IMG_GZ -> runTo(List.of(tool("/usr/bin/gzip", "gzip"), "-dc", file.toString()), raw);
      case IMG_XZ -> runTo(List.of(tool("/usr/bin/xz", "xz-utils"), "-dc", file.toString()), raw);
      case IMG_ZST ->
          runTo(List.of(tool("/usr/bin/zstd", "zstd"), "-q", "-dc", file.toString()), raw);
    }
    return raw;
  }

  /** Lists the entries of the zip archive {@code file}, as {@code unzip -Z1} prints them. */
  static List<String> zipEntries(Path file) throws IOException {
    return run(List.of(tool("/usr/bin/unzip", "unzip"), "-Z1", file.toString()), "")
        .lines()
        .toList();
  }

  /** Returns the file {@code path} of the boot partition of {@code raw}, read with mtype. */
  static String bootFile(Path raw, String path) throws IOException {
    return run(
        List.of(tool("/usr/bin/mtype", "mtools"), "-i", raw + "@@" + BOOT_OFFSET, "::" + path), "");
  }

  private static String tool(String executable, String debianPackage) {
    return RequiredTool.require(executable, debianPackage).toString();
  }

  private static String run(List<String> command, String input) throws IOException {
    Path output = Files.createTempFile("base-image-", ".out");
    try {
      execute(command, input, output);
      return Files.readString(output, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static void runTo(List<String> command, Path output) throws IOException {
    execute(command, "", output);
  }

  private static void execute(List<String> command, String input, Path output) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command));
    builder.environment().put("MTOOLS_SKIP_CHECK", "1");
    builder.redirectOutput(output.toFile());
    Path errors = Files.createTempFile("base-image-", ".err");
    builder.redirectError(errors.toFile());
    try {
      Process process = builder.start();
      try (var stdin = process.getOutputStream()) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " timed out after 120 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " exited with "
                + process.exitValue()
                + ": "
                + Files.readString(errors, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command.get(0), e);
    } finally {
      Files.deleteIfExists(errors);
    }
  }
}
