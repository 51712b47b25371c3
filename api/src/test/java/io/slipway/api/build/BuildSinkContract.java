package io.slipway.api.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestDevice;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.api.server.HttpTestClient;
import io.slipway.builder.pipeline.BuiltService;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.testing.TestDatabase;
import io.slipway.testing.image.BusyboxImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The pipeline's reports through {@link ReleaseBuildSink} into a running server, read back over
 * HTTP: build log lines with service and platform, success with images pinned by index digest and
 * their compose configuration, failure, and the live follow. Subclasses pick the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BuildSinkContract {

  @TempDir static Path dataDirectory;

  private ReleaseWorld world;
  private ReleaseBuildSink sink;
  private ServerRegistryAccess access;
  private TestFleet fleet;
  private String viewer;
  private long releaseId;

  /** Returns a fresh database for the server of this class. */
  abstract TestDatabase database();

  @BeforeAll
  void startServer() {
    world = ReleaseWorld.start(database(), dataDirectory);
    sink = world.context().getBean(ReleaseBuildSink.class);
    access = world.context().getBean(ServerRegistryAccess.class);
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @BeforeEach
  void createRelease() {
    fleet = world.newFleet();
    viewer = fleet.member(world, Role.VIEWER);
    releaseId = world.createRelease(fleet.org(), fleet.slug(), fleet.developer());
  }

  @Test
  void logLinesKeepServiceAndPlatform() throws InterruptedException {
    sink.log(releaseId, "web", Platform.LINUX_ARM64, "Step 1/2 : FROM busybox");
    sink.log(releaseId, null, null, "Planning 1 service");

    JsonNode lines = awaitLogLines(2);

    assertThat(lines.get(0).path("service").asString()).isEqualTo("web");
    assertThat(lines.get(0).path("platform").asString()).isEqualTo("linux/arm64");
    assertThat(lines.get(0).path("line").asString()).isEqualTo("Step 1/2 : FROM busybox");
    assertThat(lines.get(1).path("service").isNull()).isTrue();
    assertThat(lines.get(1).path("platform").isNull()).isTrue();
  }

  @Test
  void successPinsEachServiceByIndexDigest() {
    String web = push("web");
    String worker = push("worker");

    sink.succeeded(
        releaseId,
        List.of(
            built("web", web, Map.of("ports", List.of("80:80"), "privileged", true)),
            built("worker", worker, Map.of("restart", "always"))));

    JsonNode release = release();
    assertThat(release.path("status").asString()).isEqualTo("SUCCESS");
    assertThat(release.path("services").path("web").path("image").asString())
        .isEqualTo(access.registry() + "/" + repository("web") + "@" + web);
    assertThat(release.path("services").path("worker").path("image").asString())
        .isEqualTo(access.registry() + "/" + repository("worker") + "@" + worker);
    assertThat(
            release
                .path("services")
                .path("web")
                .path("configuration")
                .path("privileged")
                .asBoolean())
        .isTrue();
    assertThat(release.path("services").path("web").path("environment").path("MODE").asString())
        .isEqualTo("production");
  }

  @Test
  void targetStateCarriesTheConfiguration() {
    String web = push("web");
    sink.succeeded(
        releaseId,
        List.of(built("web", web, Map.of("ports", List.of("80:80"), "privileged", true))));
    TestDevice device = world.device(fleet.id());

    HttpResponse<String> state =
        world
            .http()
            .get(
                "/device/v1/" + device.uuid() + "/state",
                "Authorization",
                HttpTestClient.bearer(device.key()));

    JsonNode configuration =
        ReleaseWorld.json(state).path("services").path("web").path("configuration");
    assertThat(configuration.path("ports").get(0).asString()).isEqualTo("80:80");
    assertThat(configuration.path("privileged").asBoolean()).isTrue();
  }

  @Test
  void successWithAMissingIndexFails() throws InterruptedException {
    String absent = "sha256:" + "0".repeat(64);

    sink.succeeded(releaseId, List.of(built("web", absent, Map.of())));

    assertThat(release().path("status").asString()).isEqualTo("FAILED");
    assertThat(awaitLogLines(1).toString()).contains("is not in this registry");
  }

  @Test
  void failureLogsTheReason() throws InterruptedException {
    sink.failed(releaseId, "Service web on linux/arm64 failed\nlast line of its log");

    assertThat(release().path("status").asString()).isEqualTo("FAILED");
    assertThat(awaitLogLines(2).get(0).path("line").asString())
        .isEqualTo("Build failed: Service web on linux/arm64 failed");
  }

  @Test
  void reportsAfterTheEndChangeNothing() {
    sink.failed(releaseId, "first failure");

    sink.failed(releaseId, "second failure");
    sink.succeeded(releaseId, List.of(built("web", push("web"), Map.of())));

    assertThat(release().path("status").asString()).isEqualTo("FAILED");
  }

  @Test
  void followStreamsLinesUntilTheEnd() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + world.context().getEnvironment().getProperty("local.server.port")
                        + "/api/v1/releases/"
                        + releaseId
                        + "/logs/stream"))
            .header("Authorization", "Bearer " + viewer)
            .timeout(Duration.ofSeconds(30))
            .build();
    CompletableFuture<HttpResponse<String>> stream =
        HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofString());

    sink.log(releaseId, "web", Platform.LINUX_AMD64, "compiling");
    sink.log(releaseId, "web", Platform.LINUX_AMD64, "pushing");
    sink.failed(releaseId, "engine gone");
    HttpResponse<String> response = stream.get(30, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("event:log").contains("\"platform\":\"linux/amd64\"");
    assertThat(response.body()).contains("compiling").contains("pushing");
    assertThat(response.body()).contains("event:end").contains("\"status\":\"FAILED\"");
    assertThat(response.body().indexOf("pushing")).isLessThan(response.body().indexOf("event:end"));
  }

  private String push(String service) {
    RegistryCredentials credentials =
        access.credentials(fleet.org() + "/" + fleet.slug(), Duration.ofMinutes(5));
    return BusyboxImages.push(
            access.registry(),
            repository(service),
            "0.0.1",
            credentials.username(),
            credentials.password())
        .indexDigest();
  }

  private BuiltService built(String service, String digest, Map<String, Object> configuration) {
    return new BuiltService(
        service,
        repository(service),
        digest,
        Map.of("MODE", "production"),
        Map.of("io.slipway.test", "yes"),
        configuration);
  }

  private String repository(String service) {
    return fleet.org() + "/" + fleet.slug() + "/" + service;
  }

  private JsonNode release() {
    return ReleaseWorld.json(world.call("GET", "/api/v1/releases/" + releaseId, null, viewer));
  }

  /** Waits for the batched writer to store at least {@code count} lines, and returns them. */
  private JsonNode awaitLogLines(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      JsonNode lines =
          ReleaseWorld.json(
              world.call("GET", "/api/v1/releases/" + releaseId + "/logs", null, viewer));
      if (lines.size() >= count || System.nanoTime() > deadline) {
        return lines;
      }
      Thread.sleep(100);
    }
  }
}
