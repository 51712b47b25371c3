package io.slipway.systemtest.docker;

import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.process.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The docker CLI talking to the local Docker engine, with its own client configuration directory
 * ({@code DOCKER_CONFIG}) so that logins stay inside the test and never touch the user's.
 */
public final class DockerCli {

  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final Path configDirectory;

  public DockerCli(Path configDirectory) {
    try {
      this.configDirectory = Files.createDirectories(configDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create DOCKER_CONFIG " + configDirectory, e);
    }
  }

  /**
   * Fails, naming the command that starts an engine, when none responds, because these tests must
   * not pass by skipping.
   */
  public static void requireEngine() {
    CommandResult info =
        ExternalCommand.of("docker", "info", "--format", "{{.ServerVersion}}")
            .timeout(TIMEOUT)
            .run();
    if (!info.succeeded() || info.stdout().isBlank()) {
      throw new AssertionError(
          "No Docker engine responds on /var/run/docker.sock; start one with 'dockerd"
              + " --storage-driver=vfs --bridge=none --iptables=false' (.ci/run does). docker info"
              + " printed: "
              + info.output().strip());
    }
  }

  /** {@code docker login HOST -u admin --password-stdin}. */
  public CommandResult login(String registryHost, String password) {
    return docker("login", registryHost, "-u", "admin", "--password-stdin")
        .secretStdin(password)
        .run();
  }

  /** Runs {@code docker ARGS...}. */
  public CommandResult run(String... arguments) {
    return docker(arguments).run();
  }

  /** {@code docker build} with the classic builder, which this engine has without buildx. */
  public CommandResult buildClassic(Path context, String tag) {
    return docker("build", "--network", "host", "--pull=false", "-t", tag, context.toString())
        .environment("DOCKER_BUILDKIT", "0")
        .run();
  }

  private ExternalCommand docker(String... arguments) {
    return ExternalCommand.of("docker", arguments)
        .environment("DOCKER_CONFIG", configDirectory.toString())
        .timeout(TIMEOUT);
  }
}
