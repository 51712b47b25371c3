package io.slipway.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the runnable jar as {@code slipway server} in a child process, as an operator would. */
class ServerCommandIT {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path temporary;

  private Path dataDirectory;
  private Path output;
  private Process server;

  @BeforeEach
  void startServer() throws IOException {
    dataDirectory = temporary.resolve("data");
    output = temporary.resolve("server.out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = System.getProperty("slipway.cli.jar");
    assertThat(jar).as("system property slipway.cli.jar, set by the failsafe plugin").isNotNull();

    server =
        new ProcessBuilder(
                List.of(
                    java,
                    "-jar",
                    jar,
                    "server",
                    "--port",
                    "0",
                    "--data-dir",
                    dataDirectory.toString()))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server.isAlive()) {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private int awaitPort() throws Exception {
    Path portFile = dataDirectory.resolve("server.port");
    Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
    while (!Files.exists(portFile)) {
      assertThat(server.isAlive())
          .as("server still running; its output:%n%s", Files.readString(output))
          .isTrue();
      assertThat(Instant.now()).as("time waiting for %s", portFile).isBefore(deadline);
      Thread.sleep(200);
    }
    return Integer.parseInt(Files.readString(portFile).strip());
  }

  @Test
  void registryChallengesOnWrittenPort() throws Exception {
    int port = awaitPort();

    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Bearer realm="));
  }

  @Test
  void firstStartPrintsBootstrapToken() throws Exception {
    awaitPort();

    String token = Files.readString(dataDirectory.resolve("bootstrap-token")).strip();
    assertThat(Files.readString(output)).contains(token);
  }

  @Test
  void stoppedServerRemovesPortFile() throws Exception {
    awaitPort();

    server.destroy();

    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(dataDirectory.resolve("server.port")).doesNotExist();
  }
}
