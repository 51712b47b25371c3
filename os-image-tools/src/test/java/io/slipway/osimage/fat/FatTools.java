package io.slipway.osimage.fat;

import io.slipway.osimage.image.ImagePatch;
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
import java.util.concurrent.TimeUnit;

/** Runs dosfstools and mtools on test images, and applies patches to copies of them. */
final class FatTools {

  private FatTools() {}

  /** What a tool printed and how it exited. */
  record Result(int exitCode, String output) {}

  /**
   * Requires dosfstools, mtools, fdisk and util-linux; skips or fails (under CI) the test
   * otherwise.
   */
  static void require() {
    RequiredTool.require("/usr/sbin/mkfs.vfat", "dosfstools");
    RequiredTool.require("/usr/sbin/fsck.fat", "dosfstools");
    RequiredTool.require("/usr/sbin/fatlabel", "dosfstools");
    RequiredTool.require("/usr/sbin/blkid", "util-linux");
    RequiredTool.require("/usr/bin/mcopy", "mtools");
    RequiredTool.require("/usr/bin/mtype", "mtools");
    RequiredTool.require("/usr/bin/mdir", "mtools");
    RequiredTool.require("/usr/sbin/sfdisk", "fdisk");
  }

  static Result run(String... command) throws IOException, InterruptedException {
    return run(null, command);
  }

  static Result run(byte[] input, String... command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("MTOOLS_SKIP_CHECK", "1");
    builder.environment().put("TZ", "UTC");
    Process process = builder.start();
    if (input != null) {
      process.getOutputStream().write(input);
    }
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("Timed out: " + List.of(command));
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  /** Runs a command that must succeed and returns its output. */
  static String ok(String... command) throws IOException, InterruptedException {
    Result result = run(command);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          List.of(command) + " exited with " + result.exitCode() + ": " + result.output());
    }
    return result.output();
  }

  /** Creates a sparse file of {@code size} bytes. */
  static Path sparseFile(Path file, long size) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      channel.truncate(size);
      channel.write(ByteBuffer.allocate(1), size - 1);
    }
    return file;
  }

  /** Copies {@code content} into the filesystem at {@code imageAt} (FILE or FILE@@OFFSET). */
  static void mcopy(String imageAt, String path, byte[] content, Path scratch)
      throws IOException, InterruptedException {
    Path source = Files.createTempFile(scratch, "content", ".bin");
    Files.write(source, content);
    ok("mcopy", "-o", "-i", imageAt, source.toString(), "::" + path);
  }

  /** Reads a file out of the filesystem with mcopy, byte for byte. */
  static byte[] mread(String imageAt, String path, Path scratch)
      throws IOException, InterruptedException {
    Path target = scratch.resolve("out-" + System.nanoTime());
    ok("mcopy", "-n", "-i", imageAt, "::" + path, target.toString());
    return Files.readAllBytes(target);
  }

  /** Returns a copy of {@code image} with {@code patch} applied. */
  static Path applied(Path image, ImagePatch patch, Path target) throws IOException {
    Files.copy(image, target);
    try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
      for (ImagePatch.Range range : patch.ranges()) {
        channel.write(ByteBuffer.wrap(range.content()), range.offset());
      }
    }
    return target;
  }

  /** Returns the bare mdir listing of a directory, one full path a line. */
  static List<String> mdir(String imageAt, String directory)
      throws IOException, InterruptedException {
    List<String> lines = new ArrayList<>();
    for (String line : ok("mdir", "-b", "-i", imageAt, "::" + directory).split("\n")) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return lines;
  }
}
