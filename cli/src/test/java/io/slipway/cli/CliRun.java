package io.slipway.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs {@code slipway} in-process with its own home directory, environment variables and standard
 * input, and captures what it prints, so that tests never read or write the user's configuration.
 */
public final class CliRun {

  private final Path home;
  private final Map<String, String> variables = new LinkedHashMap<>();
  private String stdin = "";

  /** What one run printed and returned. */
  public record Result(int exitCode, String out, String err) {}

  public CliRun(Path home) {
    this.home = home;
  }

  /** Sets an environment variable for the next runs. */
  public CliRun variable(String name, String value) {
    variables.put(name, value);
    return this;
  }

  /** Sets what the next runs read from standard input. */
  public CliRun stdin(String text) {
    stdin = text;
    return this;
  }

  /** Returns the home directory the runs use. */
  public Path home() {
    return home;
  }

  /** Runs the command line {@code args}. */
  public Result run(String... args) {
    CliEnvironment environment =
        new CliEnvironment(
            variables,
            home,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            null);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = SlipwayCommand.commandLine(environment);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }
}
