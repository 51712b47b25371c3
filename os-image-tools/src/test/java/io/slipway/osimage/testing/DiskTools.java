package io.slipway.osimage.testing;

import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds and inspects disk images with the standard tools: {@code truncate}, {@code sfdisk}, {@code
 * mkfs.vfat} and {@code blkid}. Each call runs the tool to completion and fails with its output
 * when it exits non-zero.
 */
public final class DiskTools {

  /** One mebibyte, the unit partition layouts are written in. */
  public static final long MIB = 1024 * 1024;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private DiskTools() {}

  /** Creates a sparse file of {@code size} bytes, as {@code truncate -s} does. */
  public static Path sparseFile(Path file, long size) {
    run(
        List.of(
            RequiredTool.require("/usr/bin/truncate", "coreutils").toString(),
            "-s",
            Long.toString(size),
            file.toString()),
        "");
    return file;
  }

  /** Writes a partition table into {@code image} from an sfdisk script. */
  public static void sfdisk(Path image, String script) {
    run(
        List.of(sfdiskPath(), "--quiet", "--no-reread", "--no-tell-kernel", image.toString()),
        script);
  }

  /** Returns {@code sfdisk --json}'s {@code partitiontable} object for {@code image}. */
  public static JsonNode sfdiskJson(Path image) {
    String output = run(List.of(sfdiskPath(), "--json", image.toString()), "");
    return JSON.readTree(output).path("partitiontable");
  }

  /** Returns {@code sfdisk --dump}'s output for {@code image}. */
  public static String sfdiskDump(Path image) {
    return run(List.of(sfdiskPath(), "--dump", image.toString()), "");
  }

  /**
   * Returns {@code sfdisk --verify}'s output and error output for {@code image}; fails when it
   * finds errors. A damaged backup GPT shows only as a warning in the error output.
   */
  public static String sfdiskVerify(Path image) {
    return execute(List.of(sfdiskPath(), "--verify", image.toString()), "", true);
  }

  /**
   * Creates a FAT filesystem of {@code size} bytes at byte {@code offset} of {@code image} with
   * {@code mkfs.vfat}, with a fixed volume id. FAT32 gets one sector per cluster so that small test
   * partitions hold the clusters FAT32 needs.
   *
   * @param fatBits 12, 16 or 32
   * @param label the volume label, or null for none
   */
  public static void mkfsVfat(Path image, long offset, long size, int fatBits, String label) {
    List<String> command = new ArrayList<>();
    command.add(RequiredTool.require("/usr/sbin/mkfs.vfat", "dosfstools").toString());
    command.addAll(List.of("-F", Integer.toString(fatBits), "-i", "5a1b2c3d", "--invariant"));
    if (fatBits == 32) {
      command.addAll(List.of("-s", "1"));
    }
    if (label != null) {
      command.addAll(List.of("-n", label));
    }
    command.addAll(
        List.of(
            "--offset", Long.toString(offset / 512), image.toString(), Long.toString(size / 1024)));
    run(command, "");
  }

  /**
   * Returns what {@code blkid -p} from util-linux finds at byte {@code offset} of {@code image}, as
   * tag name to value: {@code TYPE}, {@code LABEL}, {@code LABEL_FATBOOT} and others.
   */
  public static Map<String, String> blkid(Path image, long offset) {
    String blkid = RequiredTool.require("/usr/sbin/blkid", "util-linux").toString();
    String output =
        run(
            List.of(blkid, "-p", "-O", Long.toString(offset), "-o", "export", image.toString()),
            "");
    Map<String, String> tags = new TreeMap<>();
    for (String line : output.lines().toList()) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        tags.put(line.substring(0, equals), line.substring(equals + 1));
      }
    }
    return tags;
  }

  /** Runs {@code command} with {@code stdin} as its input and returns its standard output. */
  public static String run(List<String> command, String stdin) {
    return execute(command, stdin, false);
  }

  private static String execute(List<String> command, String stdin, boolean withErrorOutput) {
    try {
      Path errors = Files.createTempFile("disk-tool-", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (withErrorOutput) {
          builder.redirectErrorStream(true);
        } else {
          builder.redirectError(errors.toFile());
        }
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(command + " timed out after 60 seconds");
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              command
                  + " exited with "
                  + process.exitValue()
                  + ": "
                  + output
                  + Files.readString(errors));
        }
        return output;
      } finally {
        Files.delete(errors);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(command + " was interrupted", e);
    }
  }

  private static String sfdiskPath() {
    return RequiredTool.require("/usr/sbin/sfdisk", "fdisk").toString();
  }
}
