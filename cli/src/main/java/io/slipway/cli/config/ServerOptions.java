package io.slipway.cli.config;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.Connection;
import io.slipway.cli.client.SlipwayClient;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --server} option every command that talks to a server has, and how the server and
 * token are chosen: {@code --server}, else {@code SLIPWAY_SERVER}, else the stored login's server;
 * the token from {@code SLIPWAY_TOKEN}, else the stored login's token when it was stored for that
 * same server. A stored token is never sent to another server.
 */
public class ServerOptions {

  /** Environment variable naming the server's base URL. */
  public static final String SERVER_VARIABLE = "SLIPWAY_SERVER";

  /** Environment variable holding the API token. */
  public static final String TOKEN_VARIABLE = "SLIPWAY_TOKEN";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "Base URL of the server, such as http://127.0.0.1:8080. Default: SLIPWAY_SERVER, else"
              + " the server of 'slipway login'.")
  String server;

  /**
   * Returns the server named by {@code --server} or {@code SLIPWAY_SERVER}, or empty when neither
   * is given.
   */
  public Optional<URI> explicitServer(CliEnvironment environment) {
    if (server != null) {
      return Optional.of(ServerUrl.parse(server, "--server"));
    }
    String variable = environment.variable(SERVER_VARIABLE);
    return Optional.ofNullable(variable).map(value -> ServerUrl.parse(value, SERVER_VARIABLE));
  }

  /**
   * Returns the server and token to use.
   *
   * @throws CommandFailedException with {@link ExitCode#NOT_AUTHORIZED} when no server or no token
   *     for it is known, saying how to log in; with {@link ExitCode#USAGE} for a malformed URL
   */
  public Connection connection(CliEnvironment environment) {
    ConfigFile file = ConfigFile.of(environment);
    Optional<StoredLogin> stored = file.read();
    URI chosen =
        explicitServer(environment)
            .or(() -> stored.map(StoredLogin::server))
            .orElseThrow(
                () ->
                    new CommandFailedException(
                        "Not logged in: run 'slipway login --server URL', or set "
                            + SERVER_VARIABLE
                            + " and "
                            + TOKEN_VARIABLE,
                        ExitCode.NOT_AUTHORIZED));

    String token = environment.variable(TOKEN_VARIABLE);
    if (token == null && stored.isPresent() && stored.get().server().equals(chosen)) {
      token = stored.get().token();
    }
    if (token == null) {
      throw new CommandFailedException(
          "No API token for "
              + chosen
              + ": run 'slipway login --server "
              + chosen
              + "', or set "
              + TOKEN_VARIABLE,
          ExitCode.NOT_AUTHORIZED);
    }
    return new Connection(chosen, token);
  }

  /** Returns a client for {@link #connection}. */
  public SlipwayClient client(CliEnvironment environment) {
    return new SlipwayClient(connection(environment));
  }
}
