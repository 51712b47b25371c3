package io.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exit codes scripts rely on, one cause each. */
class ExitCodeTest {

  private static final String ERROR = "{\"code\":\"%s\",\"message\":\"%s\"}";

  @TempDir Path home;

  private CliRun cli() {
    return new CliRun(home);
  }

  private CliRun loggedIn(StubServer server) {
    return cli().variable("SLIPWAY_SERVER", server.url()).variable("SLIPWAY_TOKEN", "slt_t");
  }

  @Test
  void helpOfANetworkCommandListsTheExitCodes() {
    CliRun.Result result = cli().run("push", "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("Exit codes:")
        .contains("Not logged in, or the server rejected the token.")
        .contains("The server could not be reached.");
  }

  @Test
  void missingRequiredOptionIsAUsageError() {
    CliRun.Result result = cli().run("release", "list");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--fleet");
  }

  @Test
  void fleetWithoutOrganizationIsAUsageError() {
    CliRun.Result result = cli().run("release", "list", "--fleet", "sensors");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'sensors' is not ORG/FLEET");
  }

  @Test
  void limitOutOfRangeIsAUsageError() {
    CliRun.Result result = cli().run("release", "list", "--fleet", "acme/sensors", "--limit", "0");

    assertThat(result.exitCode()).isEqualTo(2);
  }

  @Test
  void unknownEngineIsAUsageError() {
    CliRun.Result result = cli().run("push", "--fleet", "acme/sensors", "--engine", "kaniko");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("kaniko");
  }

  @Test
  void commandWithoutLoginIsNotAuthorized() {
    CliRun.Result result = cli().run("fleet", "list");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err()).contains("Not logged in").contains("slipway login --server URL");
  }

  @Test
  void loginWithoutTerminalNeedsTokenStdin() {
    CliRun.Result result = cli().run("login", "--server", "http://127.0.0.1:1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--token-stdin");
  }

  @Test
  void loginWithoutServerIsAUsageError() {
    CliRun.Result result = cli().stdin("slt_t\n").run("login", "--token-stdin");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--server URL");
  }

  @Test
  void closedPortIsUnreachable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    CliRun.Result result =
        cli()
            .variable("SLIPWAY_SERVER", "http://127.0.0.1:" + port)
            .variable("SLIPWAY_TOKEN", "slt_t")
            .run("fleet", "list");

    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.err()).contains("Cannot reach the server at http://127.0.0.1:" + port);
  }

  @Test
  void refusedTokenIsNotAuthorized() throws IOException {
    try (StubServer server =
        new StubServer(401, ERROR.formatted("UNAUTHORIZED", "token unknown"))) {
      CliRun.Result result = loggedIn(server).run("release", "show", "7");

      assertThat(result.exitCode()).isEqualTo(3);
      assertThat(result.err()).contains("rejected the token").contains("token unknown");
    }
  }

  @Test
  void missingPermissionIsNotAuthorized() throws IOException {
    try (StubServer server = new StubServer(403, ERROR.formatted("FORBIDDEN", "viewer"))) {
      CliRun.Result result = loggedIn(server).run("release", "show", "7");

      assertThat(result.exitCode()).isEqualTo(3);
    }
  }

  @Test
  void otherRefusalFailsWithTheServersCodeAndMessage() throws IOException {
    try (StubServer server =
        new StubServer(404, ERROR.formatted("RELEASE_NOT_FOUND", "Release 7 does not exist"))) {
      CliRun.Result result = loggedIn(server).run("release", "show", "7");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).contains("RELEASE_NOT_FOUND").contains("Release 7 does not exist");
    }
  }

  @Test
  void answerThatIsNotJsonFails() throws IOException {
    try (StubServer server = new StubServer(200, "<html>proxy</html>")) {
      CliRun.Result result = loggedIn(server).run("release", "show", "7");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).contains("not JSON");
    }
  }

  @Test
  void tokenIsSentAsBearer() throws IOException {
    try (StubServer server = new StubServer(200, "[]")) {
      loggedIn(server).run("fleet", "list", "acme");

      assertThat(server.requests().get(0).authorization()).isEqualTo("Bearer slt_t");
      assertThat(server.requests().get(0).uri()).isEqualTo("/api/v1/orgs/acme/fleets");
    }
  }
}
