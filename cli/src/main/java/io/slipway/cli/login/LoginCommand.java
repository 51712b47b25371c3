package io.slipway.cli.login;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.Connection;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ConfigFile;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.config.StoredLogin;
import io.slipway.cli.output.JsonOutput;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code slipway login}: reads an API token from the terminal (without echo) or from standard
 * input, checks it with {@code GET /api/v1/user}, and stores it with the server's URL in the config
 * file. There is deliberately no option that takes the token: it would show in the process list.
 */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = {
      "Stores an API token for a server in $XDG_CONFIG_HOME/slipway/config.json (else"
          + " ~/.config/slipway/config.json), readable by you alone.",
      "The token is read from the terminal without echo, or from standard input with"
          + " --token-stdin, and checked with the server before it is stored. Create a token"
          + " in the web interface or with POST /api/v1/user/api-tokens."
    })
public class LoginCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Option(
      names = "--token-stdin",
      description =
          "Reads the token from the first line of standard input instead of the terminal.")
  boolean tokenStdin;

  @Option(names = "--json", description = "Prints the result as one JSON document.")
  boolean json;

  LoginCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws IOException {
    ConfigFile file = ConfigFile.of(environment);
    URI server = server(file);
    String token = readToken(server);

    SlipwayClient client = new SlipwayClient(new Connection(server, token));
    JsonNode user = client.get("/api/v1/user");
    String username = user.path("username").asString("");
    file.write(new StoredLogin(server, token));

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("server", server.toString());
      result.put("username", username);
      result.put("config", file.path().toString());
      JsonOutput.print(out, result);
    } else {
      out.println(
          "Logged in to " + server + " as " + username + "; token stored in " + file.path());
      out.flush();
    }
    return ExitCode.SUCCESS;
  }

  /** {@code --server}, else {@code SLIPWAY_SERVER}, else the server of the stored login. */
  private URI server(ConfigFile file) {
    return serverOptions
        .explicitServer(environment)
        .or(() -> file.read().map(StoredLogin::server))
        .orElseThrow(
            () ->
                new CommandFailedException(
                    "Name the server to log in to with --server URL, such as"
                        + " --server http://127.0.0.1:8080",
                    ExitCode.USAGE));
  }

  private String readToken(URI server) throws IOException {
    String token;
    if (tokenStdin) {
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(environment.in(), StandardCharsets.UTF_8));
      token = reader.readLine();
    } else if (environment.console() != null) {
      char[] typed = environment.console().readPassword("API token for %s: ", server);
      token = typed == null ? null : new String(typed);
    } else {
      throw new CommandFailedException(
          "No terminal to read the token from; pipe it in with --token-stdin", ExitCode.USAGE);
    }
    if (token == null || token.isBlank()) {
      throw new CommandFailedException(
          "The token is empty; pass an API token of your account", ExitCode.USAGE);
    }
    return token.strip();
  }
}
