package io.slipway.builder.engine.buildkit;

import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.RegistryCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The docker CLI with a client configuration of its own, so a test's registry login stays out of
 * the machine's configuration. Runs only images that are already in the engine ({@code --pull
 * never}) on the host network.
 */
final class DockerCli {

  private final Path config;

  DockerCli(Path config) {
    this.config = config;
  }

  /** Logs in to {@code registry}, passing the password on standard input. */
  void login(String registry, RegistryCredentials credentials) throws Exception {
    String[] login = {"login", "--username", credentials.username(), "--password-stdin", registry};
    expectSuccess(credentials.password(), login);
  }

  /** Pulls {@code image} for {@code platform} from its registry. */
  void pull(Platform platform, String image) throws Exception {
    expectSuccess(null, "pull", "--quiet", "--platform", platform.toString(), image);
  }

  /**
   * Runs {@code command} in a new container of the local {@code image}; returns its trimmed output.
   */
  String run(Platform platform, String image, String... command) throws Exception {
    List<String> arguments =
        new ArrayList<>(List.of("run", "--rm", "--network", "host", "--pull", "never"));
    arguments.addAll(List.of("--platform", platform.toString(), image));
    arguments.addAll(List.of(command));
    return expectSuccess(null, arguments.toArray(String[]::new)).trim();
  }

  /** Removes the tag or digest reference {@code image}; a missing image is no error. */
  void remove(String image) throws Exception {
    execute(null, "rmi", image);
  }

  private String expectSuccess(String input, String... arguments) throws Exception {
    Execution execution = execute(input, arguments);
    if (execution.exitCode() != 0) {
      throw new IllegalStateException(
          "docker "
              + arguments[0]
              + " exited with "
              + execution.exitCode()
              + ": "
              + execution.output());
    }
    return execution.output();
  }

  private record Execution(int exitCode, String output) {}

  private Execution execute(String input, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker", "--config", config.toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (OutputStream stdin = process.getOutputStream()) {
      if (input != null) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return new Execution(-1, output + " (timed out after 5 minutes)");
    }
    return new Execution(process.exitValue(), output);
  }
}
