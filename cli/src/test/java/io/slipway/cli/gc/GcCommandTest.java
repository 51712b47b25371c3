package io.slipway.cli.gc;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.slipway.cli.SlipwayCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code slipway gc} as a user sees it: exit codes and what lands on the error stream. */
class GcCommandTest {

  @TempDir Path dataDirectory;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = SlipwayCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private Path tokenFile() throws IOException {
    return Files.writeString(dataDirectory.resolve("token"), "slw_test\n");
  }

  /** Returns a loopback port that was free a moment ago and has no listener now. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void missingTokenFileIsOneLine() {
    Path missing = dataDirectory.resolve("no-such-token");

    int exitCode = run("gc", "--server", "http://127.0.0.1:9", "--token-file", missing.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "gc: No token file "
                + missing
                + ": pass --token-file"
                + " or set SLIPWAY_TOKEN to an admin token"
                + System.lineSeparator());
  }

  @Test
  void missingPortFileIsOneLine() {
    int exitCode = run("gc", "--data-dir", dataDirectory.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString()).contains("server.port").doesNotContain("Usage:");
  }

  @Test
  void unreachableServerIsOneLine() throws IOException {
    String server = "http://127.0.0.1:" + closedPort();

    int exitCode = run("gc", "--server", server, "--token-file", tokenFile().toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("gc: No server is listening at " + server)
        .doesNotContain("Usage:");
  }

  @Test
  void invalidGracePeriodIsUsageError() {
    int exitCode = run("gc", "--grace-period", "1hour");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString())
        .contains("Invalid duration '1hour': use for example PT1H, 1h or 30m")
        .doesNotContain("DateTimeParseException");
  }

  @Test
  void serverOptionSendsGracePeriodAsIso() throws IOException {
    AtomicReference<String> query = new AtomicReference<>();
    AtomicReference<String> authorization = new AtomicReference<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/v1/registry/garbage-collection",
        exchange -> {
          query.set(exchange.getRequestURI().getQuery());
          authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body = "{\"dryRun\":true}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort();

      int exitCode =
          run(
              "gc",
              "--server",
              url,
              "--token-file",
              tokenFile().toString(),
              "--grace-period",
              "2d",
              "--dry-run");

      assertThat(exitCode).isZero();
      assertThat(query.get()).contains("gracePeriod=PT48H").contains("dryRun=true");
      assertThat(authorization.get()).startsWith("Basic ");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void helpNamesTokenSourcesForServer() {
    run("gc", "--help");

    assertThat(out.toString().replaceAll("\\s+", " ")).contains("SLIPWAY_TOKEN or --token-file");
  }
}
