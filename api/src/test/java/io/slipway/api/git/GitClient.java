package io.slipway.api.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system's {@code /usr/bin/git} for tests with an empty home directory, no system
 * configuration and terminal prompts off, so that the user's own git setup never takes part and a
 * missing credential fails at once.
 */
final class GitClient {

  private static final Duration TIMEOUT = Duration.ofMinutes(4);

  private final Path home;

  /** What a git command printed (standard output and error together) and its exit code. */
  record Result(int exit, String output) {}

  /**
   * @param home an empty directory used as {@code HOME}
   */
  GitClient(Path home) {
    this.home = home;
  }

  /** Runs git with {@code arguments} in {@code directory} and waits for it to end. */
  Result run(Path directory, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add("/usr/bin/git");
    command.addAll(List.of(arguments));

    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("GIT_"));
    environment.put("HOME", home.toString());
    environment.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
    environment.put("GIT_CONFIG_NOSYSTEM", "1");
    environment.put("GIT_TERMINAL_PROMPT", "0");
    environment.put("GIT_ASKPASS", "");
    environment.put("SSH_ASKPASS", "");
    environment.put("LC_ALL", "C");

    try {
      Process process = builder.start();
      process.getOutputStream().close();
      // Read to the end first: git may block on a full pipe otherwise. It ends when git does.
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("git " + String.join(" ", arguments) + " did not end");
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
