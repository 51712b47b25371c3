package io.slipway.osimage.testing;

import io.slipway.testing.tool.RequiredTool;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool that Slipway did not write, to check what Slipway wrote. */
public final class ExternalTool {

  private ExternalTool() {}

  /**
   * Runs {@code executable} with {@code arguments} and returns its exit code and its output
   * (standard output and standard error together).
   *
   * @param debianPackage the package that installs the tool, named when it is missing
   * @throws IllegalStateException when the tool runs longer than two minutes
   */
  public static Result run(String executable, String debianPackage, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = command(executable, debianPackage, arguments);
    Process process = processBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(waitFor(process, command), output);
  }

  /**
   * Runs the tool like {@link #run} and returns its output.
   *
   * @throws AssertionError when it exits with a code other than 0
   */
  public static String output(String executable, String debianPackage, String... arguments)
      throws IOException, InterruptedException {
    Result result = run(executable, debianPackage, arguments);
    if (result.exitCode() != 0) {
      throw new AssertionError(
          executable
              + " "
              + String.join(" ", arguments)
              + " exited with "
              + result.exitCode()
              + ":\n"
              + result.output());
    }
    return result.output();
  }

  /**
   * Runs the tool with its standard output written to {@code stdout}, such as a decompressor's
   * output, and waits for it to end.
   *
   * @throws AssertionError when it exits with a code other than 0, with its standard error
   * @throws IllegalStateException when the tool runs longer than two minutes
   */
  public static void outputTo(
      Path stdout, String executable, String debianPackage, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = command(executable, debianPackage, arguments);
    Process process = processBuilder(command).redirectOutput(stdout.toFile()).start();
    String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    int exitCode = waitFor(process, command);
    if (exitCode != 0) {
      throw new AssertionError(
          String.join(" ", command) + " exited with " + exitCode + ":\n" + errors);
    }
  }

  private static List<String> command(
      String executable, String debianPackage, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(RequiredTool.require(executable, debianPackage).toString());
    command.addAll(List.of(arguments));
    return command;
  }

  /** Returns a builder for {@code command} whose standard input is empty. */
  private static ProcessBuilder processBuilder(List<String> command) {
    return new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
  }

  /** Waits up to two minutes for {@code process} and returns its exit code. */
  private static int waitFor(Process process, List<String> command) throws InterruptedException {
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in 2 minutes");
    }
    return process.exitValue();
  }

  /**
   * How a tool ended.
   *
   * @param exitCode the process's exit code
   * @param output standard output and standard error
   */
  public record Result(int exitCode, String output) {}
}
