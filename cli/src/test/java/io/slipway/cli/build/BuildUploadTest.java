package io.slipway.cli.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload and log follow against a small HTTP server on loopback. */
class BuildUploadTest {

  @TempDir Path project;
  @TempDir Path work;

  private HttpServer server;
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
          byte[] body = "{\"id\":7,\"status\":\"RUNNING\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(202, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.createContext(
        "/api/v1/releases/7/logs/stream",
        exchange -> {
          String events =
              "event:log\nid:1\ndata:{\"id\":1,\"at\":0,\"service\":\"web\","
                  + "\"platform\":\"linux/arm64\",\"line\":\"Step 1/2\"}\n\n"
                  + ":keep-alive\n\n"
                  + "event:log\nid:2\ndata:{\"id\":2,\"at\":0,\"service\":null,"
                  + "\"platform\":null,\"line\":\"pushed index\"}\n\n"
                  + "event:end\ndata:{\"status\":\"SUCCESS\"}\n\n";
          byte[] body = events.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Test
  void uploadsTheArchiveWithTokenAndParameters() throws Exception {
    Path archive = Files.writeString(work.resolve("a.tar.gz"), "x");

    long id =
        new BuildUpload(base(), "slt_secret")
            .start("acme/sensors", archive, Map.of("version", "1.2.0"));

    assertThat(id).isEqualTo(7);
    assertThat(uploadedPath.get())
        .isEqualTo("/api/v1/orgs/acme/fleets/sensors/builds?version=1.2.0");
    assertThat(authorization.get()).isEqualTo("Bearer slt_secret");
    assertThat(uploaded.get()).containsExactly('x');
  }

  @Test
  void followsTheLogUntilTheEnd() throws Exception {
    StringWriter log = new StringWriter();

    String status = new BuildUpload(base(), "t").follow(7, new PrintWriter(log, true));

    assertThat(status).isEqualTo("SUCCESS");
    assertThat(log.toString().lines())
        .containsExactly("[web linux/arm64] Step 1/2", "pushed index");
  }

  @Test
  void archivesTheProjectHonouringTheRootDockerignore() throws Exception {
    Files.writeString(project.resolve("docker-compose.yml"), "services:\n  a:\n    build: a\n");
    Files.createDirectories(project.resolve("a/node_modules/x"));
    Files.writeString(project.resolve("a/Dockerfile"), "FROM b\n");
    Files.writeString(project.resolve("a/node_modules/x/i.js"), "1\n");
    Files.writeString(project.resolve(".dockerignore"), "**/node_modules\nDockerfile\n");
    String longName = "a/" + "deep/".repeat(25) + "file.txt";
    Files.createDirectories(project.resolve(longName).getParent());
    Files.writeString(project.resolve(longName), "long\n");
    Path archive = work.resolve("source.tar.gz");

    SourceArchive.write(project, archive);

    List<String> names = tarNames(archive);
    assertThat(names)
        .contains("docker-compose.yml", ".dockerignore", "a/Dockerfile", longName)
        .noneMatch(name -> name.contains("node_modules"));
  }

  /** Lists the entry names of a tar.gz, reading PAX path records. */
  private static List<String> tarNames(Path archive) throws IOException {
    byte[] tar;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      in.transferTo(buffer);
      tar = buffer.toByteArray();
    }
    List<String> names = new ArrayList<>();
    String paxPath = null;
    int offset = 0;
    while (offset + 512 <= tar.length && tar[offset] != 0) {
      String name = text(tar, offset, 100);
      long size = Long.parseLong(text(tar, offset + 124, 12).strip(), 8);
      char type = (char) tar[offset + 156];
      int body = offset + 512;
      if (type == 'x') {
        String records = new String(tar, body, (int) size, StandardCharsets.UTF_8);
        paxPath = records.substring(records.indexOf("path=") + 5, records.indexOf('\n'));
      } else {
        names.add(paxPath != null ? paxPath : name.replaceAll("/$", ""));
        paxPath = null;
      }
      offset = body + (int) ((size + 511) / 512 * 512);
    }
    return names;
  }

  private static String text(byte[] block, int offset, int length) {
    int end = offset;
    while (end < offset + length && block[end] != 0) {
      end++;
    }
    return new String(block, offset, end - offset, StandardCharsets.UTF_8);
  }
}
