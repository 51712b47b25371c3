package io.slipway.cli.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.slipway.cli.CliRun;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway push} and {@code build} against a small HTTP server on loopback. */
class SourceUploadTest {

  private static final String RELEASE =
      "{\"id\":7,\"fleet\":\"acme/sensors\",\"status\":\"SUCCESS\",\"source\":\"BUILD\","
          + "\"version\":\"1.2.0\",\"createdAt\":0,\"services\":{\"web\":"
          + "{\"image\":\"127.0.0.1:1/acme/sensors/web@sha256:"
          + "ab".repeat(32)
          + "\"}}}";

  @TempDir Path project;
  @TempDir Path home;

  private HttpServer server;
  private CliRun cli;
  private final AtomicReference<String> uploadedPath = new AtomicReference<>();
  private final AtomicReference<String> authorization = new AtomicReference<>();
  private final AtomicReference<byte[]> uploaded = new AtomicReference<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/v1/orgs/acme/fleets/sensors/builds",
        exchange -> {
          uploadedPath.set(exchange.getRequestURI().toString());
          authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          try (InputStream in = exchange.getRequestBody()) {
            uploaded.set(in.readAllBytes());
          }
          answer(exchange, 202, "application/json", "{\"id\":7,\"status\":\"RUNNING\"}");
        });
    server.createContext(
        "/api/v1/releases/7/logs/stream",
        exchange ->
            answer(
                exchange,
                200,
                "text/event-stream",
                "event:log\nid:1\ndata:{\"id\":1,\"at\":0,\"service\":\"web\","
                    + "\"platform\":\"linux/arm64\",\"line\":\"Building x with jib\"}\n\n"
                    + ":keep-alive\n\n"
                    + "event:log\nid:2\ndata:{\"id\":2,\"at\":0,\"service\":\"web\","
                    + "\"platform\":\"linux/arm64\",\"line\":\"Step 1/2\"}\n\n"
                    + "event:log\nid:3\ndata:{\"id\":3,\"at\":0,\"service\":\"web\","
                    + "\"platform\":\"linux/arm64\",\"line\":\"Pushed x@sha256:1 in 1500 ms\"}\n\n"
                    + "event:log\nid:4\ndata:{\"id\":4,\"at\":0,\"service\":null,"
                    + "\"platform\":null,\"line\":\"pushed index\"}\n\n"
                    + "event:end\ndata:{\"status\":\"SUCCESS\"}\n\n"));
    server.createContext(
        "/api/v1/releases/7", exchange -> answer(exchange, 200, "application/json", RELEASE));
    server.start();
    cli =
        new CliRun(home)
            .variable("SLIPWAY_SERVER", "http://127.0.0.1:" + server.getAddress().getPort())
            .variable("SLIPWAY_TOKEN", "slt_secret");
    Files.writeString(project.resolve("Dockerfile"), "FROM scratch\nCOPY a /a\n");
    Files.writeString(project.resolve("a"), "x\n");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void answer(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Test
  void pushUploadsTheArchiveWithTokenAndParameters() {
    CliRun.Result result =
        cli.run(
            "push",
            project.toString(),
            "--fleet",
            "acme/sensors",
            "--release-version",
            "1.2.0",
            "--no-cache");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(uploadedPath.get())
        .isEqualTo("/api/v1/orgs/acme/fleets/sensors/builds?version=1.2.0&noCache=true");
    assertThat(authorization.get()).isEqualTo("Bearer slt_secret");
    assertThat(uploaded.get()).startsWith((byte) 0x1f, (byte) 0x8b);
  }

  @Test
  void pushPrintsOneLinePerChangeOfStateWhenNotOnATerminal() {
    CliRun.Result result = cli.run("push", project.toString(), "--fleet", "acme/sensors");

    assertThat(result.out())
        .contains("web linux/arm64: building with jib\n")
        .contains("web linux/arm64: pushed in 1.5 s\n")
        .contains("pushed index\n")
        .contains("Release 7 of acme/sensors: SUCCESS")
        .doesNotContain("Step 1/2");
  }

  @Test
  void pushWithJsonPrintsOnlyTheRelease() {
    CliRun.Result result = cli.run("push", project.toString(), "--fleet", "acme/sensors", "--json");

    assertThat(result.out().strip()).startsWith("{").endsWith("}").doesNotContain("Uploading");
    assertThat(result.out()).contains("\"status\" : \"SUCCESS\"");
  }

  @Test
  void buildPrintsEveryLogLine() {
    CliRun.Result result = cli.run("build", project.toString(), "--fleet", "acme/sensors");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("[web linux/arm64] Step 1/2\n").contains("pushed index\n");
  }

  @Test
  void pushLeavesOutTheGitDirectory() throws IOException {
    addGitDirectory();

    CliRun.Result result = cli.run("push", project.toString(), "--fleet", "acme/sensors");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(uploadedText()).contains("Dockerfile").doesNotContain(".git/");
  }

  @Test
  void buildLeavesOutTheGitDirectory() throws IOException {
    addGitDirectory();

    CliRun.Result result = cli.run("build", project.toString(), "--fleet", "acme/sensors");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(uploadedText()).contains("Dockerfile").doesNotContain(".git/");
  }

  @Test
  void pushWithInvalidVersionUploadsNothing() {
    CliRun.Result result =
        cli.run("push", project.toString(), "--fleet", "acme/sensors", "--release-version", "1.2");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'1.2'");
    assertThat(uploadedPath.get()).isNull();
  }

  @Test
  void buildWithInvalidCommitUploadsNothing() {
    CliRun.Result result =
        cli.run("build", project.toString(), "--fleet", "acme/sensors", "--commit", "main");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'main'");
    assertThat(uploadedPath.get()).isNull();
  }

  private void addGitDirectory() throws IOException {
    Files.createDirectories(project.resolve(".git/refs/heads"));
    Files.writeString(project.resolve(".git/HEAD"), "ref: refs/heads/main\n");
  }

  /** Returns the uploaded tar, decompressed, as text, in which entry names appear as written. */
  private String uploadedText() throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(uploaded.get()))) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void pushOfADirectoryWithoutProjectIsAnInputError() throws IOException {
    Files.delete(project.resolve("Dockerfile"));

    CliRun.Result result = cli.run("push", project.toString(), "--fleet", "acme/sensors");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(uploadedPath.get()).isNull();
  }
}
