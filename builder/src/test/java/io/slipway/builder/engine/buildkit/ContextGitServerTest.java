package io.slipway.builder.engine.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextGitServerTest {

  private static final Instant CREATED = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir Path temp;

  private ContextGitServer server;

  @BeforeEach
  void start() {
    server = ContextGitServer.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void gitClonesTheContextWithModesAndSymlinks() throws Exception {
    Path context = sampleContext(temp.resolve("context"));

    try (ServedContext served = server.publish(context, CREATED)) {
      Path clone = temp.resolve("clone");
      git(temp, "clone", "--depth=1", "--branch", served.ref(), served.url(), clone.toString());

      assertThat(clone.resolve("Dockerfile")).hasContent("FROM scratch");
      assertThat(clone.resolve("app/run.sh")).isExecutable();
      assertThat(Files.readSymbolicLink(clone.resolve("app/link"))).isEqualTo(Path.of("run.sh"));
      assertThat(clone.resolve("app/data/config.txt")).hasContent("a=1");
    }
  }

  @Test
  void sameContextGivesSameCommit() throws Exception {
    Path first = sampleContext(temp.resolve("first"));
    Path second = sampleContext(temp.resolve("second"));

    try (ServedContext a = server.publish(first, CREATED);
        ServedContext b = server.publish(second, CREATED)) {
      assertThat(a.commit()).isEqualTo(b.commit());
      assertThat(a.url()).isNotEqualTo(b.url());
    }
  }

  @Test
  void servesUnderAnUnguessablePathOnLoopback() throws Exception {
    try (ServedContext served = server.publish(sampleContext(temp.resolve("c")), CREATED)) {
      assertThat(served.url()).matches("http://127\\.0\\.0\\.1:\\d+/ctx/[0-9a-f]{64}\\.git");
    }
  }

  @Test
  void closedContextIsNotFound() throws Exception {
    ServedContext served = server.publish(sampleContext(temp.resolve("c")), CREATED);
    String refs = served.url() + "/info/refs?service=git-upload-pack";
    assertThat(status(refs)).isEqualTo(200);

    served.close();

    assertThat(status(refs)).isEqualTo(404);
  }

  @Test
  void answersNotFoundForAnUnknownRepository() throws Exception {
    String unknown = server.baseUrl() + "/ctx/" + "ab".repeat(32) + ".git/info/refs";

    assertThat(status(unknown + "?service=git-upload-pack")).isEqualTo(404);
  }

  @Test
  void refusesPushes() throws Exception {
    try (ServedContext served = server.publish(sampleContext(temp.resolve("c")), CREATED)) {
      assertThat(status(served.url() + "/info/refs?service=git-receive-pack")).isEqualTo(403);
    }
  }

  private static Path sampleContext(Path root) throws IOException {
    Files.createDirectories(root.resolve("app/data"));
    Files.createDirectories(root.resolve("empty"));
    Files.writeString(root.resolve("Dockerfile"), "FROM scratch");
    Path script = Files.writeString(root.resolve("app/run.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(root.resolve("app/data/config.txt"), "a=1");
    Files.createSymbolicLink(root.resolve("app/link"), Path.of("run.sh"));
    return root;
  }

  private static int status(String url) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<Void> response =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.discarding());
    return response.statusCode();
  }

  private static void git(Path directory, String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().put("GIT_TERMINAL_PROMPT", "0");
    builder.environment().remove("http_proxy");
    builder.environment().remove("HTTP_PROXY");
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }
}
