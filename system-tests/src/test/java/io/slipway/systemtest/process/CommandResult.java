package io.slipway.systemtest.process;

import java.util.List;

/**
 * What an external command left behind: its exit code and everything it printed.
 *
 * @param command the program and its arguments, with secrets already masked
 * @param exitCode the process's exit code
 * @param stdout standard output, decoded as UTF-8
 * @param stderr standard error, decoded as UTF-8
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {

  public CommandResult {
    command = List.copyOf(command);
  }

  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * Returns this result when the command exited with 0.
   *
   * @throws AssertionError naming the command, its exit code and its output otherwise
   */
  public CommandResult assertSucceeded() {
    if (!succeeded()) {
      throw new AssertionError("Command failed: " + this);
    }
    return this;
  }

  /** Standard output and standard error together, for assertions on error messages. */
  public String output() {
    return stdout + stderr;
  }

  @Override
  public String toString() {
    return String.join(" ", command)
        + "\n  exit code: "
        + exitCode
        + "\n  stdout: "
        + stdout.strip()
        + "\n  stderr: "
        + stderr.strip();
  }
}
