package io.slipway.testing.tool;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a command-line tool that a test runs. A missing tool skips the test on a developer's
 * machine, and fails it under CI ({@code CI=true}), where {@code .ci/run} must have installed it.
 */
public final class RequiredTool {

  private RequiredTool() {}

  /**
   * Returns {@code executable} when it exists and may be run.
   *
   * @param executable the tool's absolute path, such as {@code /usr/bin/openssl}
   * @param debianPackage the Debian package that installs it, named in the message
   * @throws IllegalStateException under CI when the tool is missing
   * @throws org.opentest4j.TestAbortedException outside CI when the tool is missing
   */
  public static Path require(String executable, String debianPackage) {
    Path path = Path.of(executable);
    if (Files.isExecutable(path)) {
      return path;
    }
    String message =
        executable + " is missing; install the Debian package " + debianPackage + " to run this";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(message + " (under CI, .ci/run must install it)");
    }
    Assumptions.abort(message);
    return path;
  }
}
