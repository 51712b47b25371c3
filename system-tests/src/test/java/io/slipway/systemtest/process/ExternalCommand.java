package io.slipway.systemtest.process;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a client program such as skopeo or docker to completion and collects its output. Output goes
 * through temporary files, so a chatty program cannot block on a full pipe. Not thread-safe; build
 * one per run.
 */
public final class ExternalCommand {

  private static final Logger log = LoggerFactory.getLogger(ExternalCommand.class);
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private final List<String> command = new ArrayList<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final Set<String> secrets = new HashSet<>();
  private byte[] stdin;
  private Duration timeout = DEFAULT_TIMEOUT;

  private ExternalCommand(String program) {
    command.add(program);
  }

  /** Starts a command line with {@code program}, looked up on the {@code PATH}. */
  public static ExternalCommand of(String program, String... arguments) {
    return new ExternalCommand(program).arguments(arguments);
  }

  public ExternalCommand arguments(String... arguments) {
    command.addAll(List.of(arguments));
    return this;
  }

  /** Adds an argument that carries {@code secret}; the secret is masked in logs and failures. */
  public ExternalCommand secretArgument(String argument, String secret) {
    secrets.add(secret);
    command.add(argument);
    return this;
  }

  public ExternalCommand environment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** Feeds {@code text} to the program's standard input; it carries a secret, so never logged. */
  public ExternalCommand secretStdin(String text) {
    this.stdin = text.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  public ExternalCommand timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /**
   * Runs the command and waits for it.
   *
   * @throws AssertionError when the program cannot be started or outlives the timeout
   */
  public CommandResult run() {
    List<String> shown = masked(command);
    log.info("Running {}", String.join(" ", shown));
    try {
      Path stdout = Files.createTempFile("command-", ".out");
      Path stderr = Files.createTempFile("command-", ".err");
      try {
        int exitCode = runTo(stdout, stderr, shown);
        return new CommandResult(
            shown,
            exitCode,
            mask(Files.readString(stdout, StandardCharsets.UTF_8)),
            mask(Files.readString(stderr, StandardCharsets.UTF_8)));
      } finally {
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + String.join(" ", shown), e);
    }
  }

  private int runTo(Path stdout, Path stderr, List<String> shown) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder.environment().putAll(environment);
    if (stdin == null) {
      builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    }

    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new AssertionError(
          "Cannot start '" + command.get(0) + "': is it installed? .ci/run installs it", e);
    }
    if (stdin != null) {
      try (OutputStream input = process.getOutputStream()) {
        input.write(stdin);
      }
    }

    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            String.join(" ", shown)
                + " did not finish within "
                + timeout
                + "; stderr so far: "
                + mask(Files.readString(stderr, StandardCharsets.UTF_8)));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for " + String.join(" ", shown), e);
    }
    return process.exitValue();
  }

  private List<String> masked(List<String> arguments) {
    return arguments.stream().map(this::mask).toList();
  }

  private String mask(String text) {
    String masked = text;
    for (String secret : secrets) {
      masked = masked.replace(secret, "****");
    }
    return masked;
  }
}
