package io.slipway.api.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.api.server.HttpTestClient;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.testing.TestDatabase;
import io.slipway.testing.image.BusyboxImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Builds from uploaded source through the running server with the real pipeline and Jib engine: a
 * two-service compose project for two platforms, and every way a request can be rejected before a
 * release exists. Fleet build device types are set through the fleet API. Subclasses pick the
 * database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BuildContract {

  private static final String INDEX = "application/vnd.oci.image.index.v1+json";

  /** Upload cap of the test server: the project fits, a larger body does not. */
  private static final int MAX_SOURCE = 64 * 1024;

  @TempDir static Path dataDirectory;

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private ReleaseWorld world;
  private ServerRegistryAccess access;
  private TestFleet fleet;
  private String owner;
  private String viewer;
  private String base;

  /** Returns a fresh database for the server of this class. */
  abstract TestDatabase database();

  @BeforeAll
  void startServer() {
    world =
        ReleaseWorld.start(
            database(),
            dataDirectory,
            "--slipway.builder.max-source-size=" + MAX_SOURCE + "B",
            "--slipway.builder.engine=jib");
    access = world.context().getBean(ServerRegistryAccess.class);
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @BeforeEach
  void createFleet() {
    fleet = world.newFleet();
    owner = fleet.member(world, Role.OWNER);
    viewer = fleet.member(world, Role.VIEWER);
    base = fleet.org() + "/" + fleet.slug() + "/busybox";
  }

  @Test
  void fleetBuildsForItsOwnDeviceTypeByDefault() {
    JsonNode view = fleetView();

    assertThat(view.path("deviceTypes").toString()).isEqualTo("[\"generic-amd64\"]");
    assertThat(view.path("platforms").toString()).isEqualTo("[\"linux/amd64\"]");
  }

  @Test
  void patchSetsTheBuildDeviceTypes() {
    HttpResponse<String> patched = setDeviceTypes("[\"generic-amd64\",\"raspberrypi4-64\"]");

    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(fleetView().path("platforms").toString())
        .isEqualTo("[\"linux/amd64\",\"linux/arm64\"]");
  }

  @Test
  void raspberryPiZeroBuildsForArmV6() {
    setDeviceTypes("[\"generic-amd64\",\"raspberry-pi\"]");

    assertThat(fleetView().path("platforms").toString())
        .isEqualTo("[\"linux/amd64\",\"linux/arm/v6\"]");
  }

  @Test
  void patchRejectsBadDeviceTypes() {
    assertThat(setDeviceTypes("[\"generic-amd64\",\"toaster\"]").body())
        .contains("UNKNOWN_DEVICE_TYPE")
        .contains("toaster");
    assertThat(setDeviceTypes("[\"raspberrypi4-64\"]").body()).contains("DEVICE_TYPE_MISMATCH");
    assertThat(setDeviceTypes("[\"generic-amd64\",\"generic-amd64\"]").body())
        .contains("INVALID_REQUEST_BODY");
    assertThat(setDeviceTypes("[]").body()).contains("INVALID_REQUEST_BODY");
  }

  @Test
  void twoServiceProjectBuildsForTwoPlatforms() throws InterruptedException {
    setDeviceTypes("[\"generic-amd64\",\"generic-aarch64\"]");
    pushBase();

    HttpResponse<String> started =
        upload(project().tarGz(), "application/gzip", "?version=1.4.0&commit=0123abcd");

    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    JsonNode accepted = ReleaseWorld.json(started);
    long id = accepted.path("id").asLong();
    assertThat(started.headers().firstValue("Location")).hasValue("/api/v1/releases/" + id);
    assertThat(accepted.path("source").asString()).isEqualTo("BUILD");
    assertThat(accepted.path("commit").asString()).isEqualTo("0123abcd");

    JsonNode release = awaitFinal(id);
    assertThat(release.path("status").asString()).as(logsOf(id)).isEqualTo("SUCCESS");
    assertThat(release.path("version").asString()).isEqualTo("1.4.0");
    for (String service : List.of("web", "worker")) {
      String image = release.path("services").path(service).path("image").asString();
      assertThat(image).startsWith(access.registry() + "/" + repository(service) + "@sha256:");
      assertThat(platformsOf(repository(service), image.substring(image.indexOf('@') + 1)))
          .containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
    }
    JsonNode web = release.path("services").path("web");
    assertThat(web.path("configuration").path("privileged").asBoolean()).isTrue();
    assertThat(web.path("configuration").path("ports").get(0).asString()).isEqualTo("8080:80");
    assertThat(release.path("services").path("worker").path("environment").path("MODE").asString())
        .isEqualTo("batch");
    assertThat(logsOf(id)).contains("\"service\":\"web\"").contains("\"platform\":\"linux/arm64\"");
  }

  @Test
  void jsonBodyIsNotASource() {
    HttpResponse<String> response = upload("{}".getBytes(), "application/json", "");

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(response.body()).contains("UNSUPPORTED_SOURCE_TYPE");
  }

  @Test
  void sourceOverTheCapIsRejected() {
    byte[] big = new TarFixture().file("blob", "x".repeat(MAX_SOURCE + 1)).tar();

    HttpResponse<String> response = upload(big, "application/x-tar", "");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("BUILD_SOURCE_TOO_LARGE");
    assertThat(releaseCount()).isZero();
  }

  @Test
  void unsafeEntryIsNamedAndNothingIsCreated() {
    byte[] archive =
        new TarFixture().file("Dockerfile", "FROM scratch\n").file("../escape", "x").tar();

    HttpResponse<String> response = upload(archive, "application/x-tar", "");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("UNSAFE_BUILD_SOURCE").contains("../escape");
    assertThat(releaseCount()).isZero();
  }

  @Test
  void malformedArchiveIsRejected() {
    HttpResponse<String> response =
        upload("not a tar archive".repeat(64).getBytes(), "application/x-tar", "");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_BUILD_SOURCE");
  }

  @Test
  void truncatedGzipIsNamedAndLeavesNothing() throws java.io.IOException {
    StringBuilder content = new StringBuilder();
    for (int i = 0; i < 4000; i++) {
      content.append(Integer.toHexString(i * 7919)).append('\n');
    }
    byte[] whole = new TarFixture().file("data.txt", content.toString()).tarGz();

    HttpResponse<String> response =
        upload(java.util.Arrays.copyOf(whole, whole.length / 2), "application/gzip", "");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_BUILD_SOURCE").contains("'data.txt'");
    assertThat(releaseCount()).isZero();
    try (var entries = java.nio.file.Files.list(dataDirectory.resolve("builds"))) {
      assertThat(entries.map(path -> path.getFileName().toString()))
          .noneMatch(name -> name.startsWith("incoming-"));
    }
  }

  @Test
  void unknownEngineIsRejected() {
    HttpResponse<String> response = upload(project().tar(), "application/x-tar", "?engine=kaniko");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_PARAMETER").contains("kaniko");
  }

  @Test
  void unconfiguredEngineIsRejected() {
    HttpResponse<String> response =
        upload(project().tar(), "application/x-tar", "?engine=buildkit");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.body()).contains("BUILD_ENGINE_UNAVAILABLE");
  }

  @Test
  void malformedCommitIsRejected() {
    HttpResponse<String> response =
        upload(project().tar(), "application/x-tar", "?commit=not-a-commit");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_PARAMETER");
  }

  @Test
  void viewerMayNotBuild() {
    HttpResponse<String> response =
        send(fleet.slug(), project().tar(), "application/x-tar", "", viewer);

    assertThat(response.statusCode()).isEqualTo(403);
  }

  private TarFixture project() {
    String from = "FROM " + access.registry() + "/" + base + ":1.0\n";
    return new TarFixture()
        .file(
            "docker-compose.yml",
            """
            version: "2.1"
            services:
              web:
                build: ./web
                ports:
                  - "8080:80"
                privileged: true
              worker:
                build:
                  context: ./worker
                environment:
                  MODE: batch
            """)
        .file(
            "web/Dockerfile",
            from + "COPY index.html /www/index.html\nCMD [\"cat\", \"/www/index.html\"]\n")
        .file("web/index.html", "<p>hello</p>\n")
        .file("worker/Dockerfile", from + "COPY job.sh /job.sh\nCMD [\"sh\", \"/job.sh\"]\n")
        .file("worker/job.sh", "echo working\n", 0755);
  }

  private void pushBase() {
    RegistryCredentials credentials =
        access.credentials(fleet.org() + "/" + fleet.slug(), Duration.ofMinutes(5));
    BusyboxImages.push(
        access.registry(), base, "1.0", credentials.username(), credentials.password());
  }

  private HttpResponse<String> upload(byte[] body, String contentType, String query) {
    return send(fleet.slug(), body, contentType, query, fleet.developer());
  }

  private HttpResponse<String> send(
      String fleetSlug, byte[] body, String contentType, String query, String token) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    base()
                        + "/api/v1/orgs/"
                        + fleet.org()
                        + "/fleets/"
                        + fleetSlug
                        + "/builds"
                        + query))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", contentType)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return exchange(request);
  }

  private HttpResponse<String> setDeviceTypes(String json) {
    return world.call(
        "PATCH",
        "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug(),
        "{\"deviceTypes\":" + json + "}",
        owner);
  }

  private JsonNode fleetView() {
    return ReleaseWorld.json(
        world.call("GET", "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug(), null, viewer));
  }

  private int releaseCount() {
    return ReleaseWorld.json(
            world.call(
                "GET",
                "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug() + "/releases",
                null,
                viewer))
        .size();
  }

  private JsonNode awaitFinal(long id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      JsonNode release =
          ReleaseWorld.json(world.call("GET", "/api/v1/releases/" + id, null, viewer));
      if (!release.path("status").asString().equals("RUNNING") || System.nanoTime() > deadline) {
        return release;
      }
      Thread.sleep(250);
    }
  }

  private String logsOf(long id) {
    return world.call("GET", "/api/v1/releases/" + id + "/logs?limit=500", null, viewer).body();
  }

  /** Reads an index from the registry over HTTP with a pull token, and returns its platforms. */
  private List<String> platformsOf(String repository, String digest) {
    HttpResponse<String> token =
        world
            .http()
            .get(
                "/auth/token?service=slipway-registry&scope="
                    + HttpTestClient.encode("repository:" + repository + ":pull"),
                "Authorization",
                HttpTestClient.basic("viewer-" + fleet.slug(), viewer));
    String bearer = ReleaseWorld.json(token).path("token").asString();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base() + "/v2/" + repository + "/manifests/" + digest))
            .header("Authorization", "Bearer " + bearer)
            .header("Accept", INDEX)
            .build();
    HttpResponse<String> response = exchange(request);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<String> platforms = new ArrayList<>();
    for (JsonNode manifest : ReleaseWorld.json(response).path("manifests")) {
      JsonNode platform = manifest.path("platform");
      platforms.add(
          platform.path("os").asString() + "/" + platform.path("architecture").asString());
    }
    return platforms;
  }

  private String repository(String service) {
    return fleet.org() + "/" + fleet.slug() + "/" + service;
  }

  private String base() {
    return "http://" + access.registry();
  }

  private HttpResponse<String> exchange(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
