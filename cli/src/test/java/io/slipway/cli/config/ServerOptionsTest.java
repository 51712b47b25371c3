package io.slipway.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.client.Connection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code --server}, the environment variables and the stored login combine. */
class ServerOptionsTest {

  private static final URI STORED = URI.create("http://127.0.0.1:8080");

  @TempDir Path home;

  private final Map<String, String> variables = new HashMap<>();
  private final ServerOptions options = new ServerOptions();

  @BeforeEach
  void storeLogin() throws IOException {
    ConfigFile.of(environment()).write(new StoredLogin(STORED, "slt_stored"));
  }

  private CliEnvironment environment() {
    return new CliEnvironment(variables, home, new ByteArrayInputStream(new byte[0]), null);
  }

  private static int exitCodeOf(Throwable failure) {
    return ((CommandFailedException) failure).exitCode();
  }

  @Test
  void storedLoginIsUsedByDefault() {
    Connection connection = options.connection(environment());

    assertThat(connection).isEqualTo(new Connection(STORED, "slt_stored"));
  }

  @Test
  void tokenVariableOverridesTheStoredToken() {
    variables.put("SLIPWAY_TOKEN", "slt_env");

    assertThat(options.connection(environment()).token()).isEqualTo("slt_env");
  }

  @Test
  void serverVariableOverridesTheStoredServer() {
    variables.put("SLIPWAY_SERVER", "http://127.0.0.1:9090/");
    variables.put("SLIPWAY_TOKEN", "slt_env");

    assertThat(options.connection(environment()).server())
        .isEqualTo(URI.create("http://127.0.0.1:9090"));
  }

  @Test
  void serverOptionOverridesTheServerVariable() {
    variables.put("SLIPWAY_SERVER", "http://127.0.0.1:9090");
    variables.put("SLIPWAY_TOKEN", "slt_env");
    options.server = "http://127.0.0.1:7070";

    assertThat(options.connection(environment()).server())
        .isEqualTo(URI.create("http://127.0.0.1:7070"));
  }

  @Test
  void storedTokenGoesToItsOwnServerNamedAgain() {
    options.server = "http://127.0.0.1:8080/";

    assertThat(options.connection(environment()).token()).isEqualTo("slt_stored");
  }

  @Test
  void storedTokenIsNeverSentToAnotherServer() {
    options.server = "http://127.0.0.1:9999";

    assertThatThrownBy(() -> options.connection(environment()))
        .hasMessageContaining("No API token for http://127.0.0.1:9999")
        .satisfies(failure -> assertThat(exitCodeOf(failure)).isEqualTo(3));
  }

  @Test
  void nothingStoredIsNotLoggedIn() {
    CliEnvironment empty =
        new CliEnvironment(
            Map.of(), home.resolve("elsewhere"), new ByteArrayInputStream(new byte[0]), null);

    assertThatThrownBy(() -> options.connection(empty))
        .hasMessageContaining("slipway login")
        .satisfies(failure -> assertThat(exitCodeOf(failure)).isEqualTo(3));
  }

  @Test
  void malformedServerIsAnInputError() {
    options.server = "ftp://example";

    assertThatThrownBy(() -> options.connection(environment()))
        .hasMessageContaining("'ftp://example' from --server")
        .satisfies(failure -> assertThat(exitCodeOf(failure)).isEqualTo(2));
  }
}
