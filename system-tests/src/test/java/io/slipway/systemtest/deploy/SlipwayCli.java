package io.slipway.systemtest.deploy;

import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.process.ExternalCommand;
import io.slipway.systemtest.server.ServerOptions;
import java.nio.file.Path;

/**
 * The packaged {@code slipway} command run as a separate process, as a developer runs it: the
 * server comes from {@code --server}, the token from {@code SLIPWAY_TOKEN}, and the configuration
 * directory is a private one, so that nothing on the machine leaks in.
 */
final class SlipwayCli {

  private final String server;
  private final String token;
  private final Path configHome;

  SlipwayCli(String server, String token, Path configHome) {
    this.server = server;
    this.token = token;
    this.configHome = configHome;
  }

  /** Runs {@code slipway COMMAND --server URL ARGS...}. */
  CommandResult run(String command, String... arguments) {
    Path jar = Path.of(System.getProperty(ServerOptions.CLI_JAR_PROPERTY));
    return ExternalCommand.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
            command,
            "--server",
            server)
        .arguments(arguments)
        .environment("SLIPWAY_TOKEN", token)
        .environment("XDG_CONFIG_HOME", configHome.toString())
        .run();
  }
}
