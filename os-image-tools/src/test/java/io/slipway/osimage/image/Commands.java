package io.slipway.osimage.image;

import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the command-line tools that pack and check images in tests. */
public final class Commands {

  private Commands() {}

  /**
   * Runs {@code command} (its first element an absolute path, installed by {@code debianPackage}),
   * with standard output to {@code stdout} when given, and fails on a non-zero exit.
   *
   * @return standard output when {@code stdout} is null, else the empty string
   */
  public static String run(String debianPackage, Path stdout, String... command)
      throws IOException, InterruptedException {
    RequiredTool.require(command[0], debianPackage);
    Path errors = Files.createTempFile("command-", ".err");
    Path output = stdout != null ? stdout : Files.createTempFile("command-", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(output.toFile())
              .redirectError(errors.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      int exit = process.waitFor();
      if (exit != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " exited with "
                + exit
                + ": "
                + Files.readString(errors, StandardCharsets.UTF_8));
      }
      return stdout != null ? "" : Files.readString(output, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(errors);
      if (stdout == null) {
        Files.deleteIfExists(output);
      }
    }
  }
}
