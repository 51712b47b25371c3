package io.slipway.systemtest.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.systemtest.builder.BuildApi.Reply;
import io.slipway.systemtest.docker.DockerCli;
import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;
import io.slipway.testing.image.BusyboxImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The builder farm through the built server as a separate process. A two-service project is
 * uploaded to a fleet with an amd64 and an arm64 device type. Jib, the Docker engine's classic
 * builder and the engine's embedded BuildKit each build it, and each resulting image is pulled back
 * and run with the docker CLI for both platforms. Then a server is killed during a build and the
 * restarted server finishes the release.
 *
 * <p>Base images are made from Debian's busybox-static and pushed into the server's registry;
 * nothing is pulled from the internet. Without a running Docker engine these tests fail, never
 * skip; .ci/run starts one with qemu-user-static registered for arm64.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BuilderIT {

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
  private static final String ORGANIZATION = "acme";

  private static SlipwayStack stack;
  private static BuildApi api;
  private static DockerCli docker;

  @BeforeAll
  static void startServerAndPushBase() throws Exception {
    DockerCli.requireEngine();
    stack =
        SlipwayStack.start(
            "BuilderIT",
            new Backend(Backend.Database.H2, Backend.Storage.FILESYSTEM),
            Map.of("slipway.builder.buildkit.address", "docker"));
    String token = stack.server().bootstrapToken();
    api = new BuildApi(stack, token);
    docker = new DockerCli(stack.directory("docker-config"));
    docker.login(registry(), token).assertSucceeded();

    Reply organization = api.send("POST", "/api/v1/orgs", "{\"slug\":\"" + ORGANIZATION + "\"}");
    assertThat(organization.status()).as(organization.text()).isEqualTo(201);
    BusyboxImages.push(registry(), "acme/base/busybox", "1.0", "admin", token);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jib", "docker", "buildkit"})
  @Order(1)
  void engineBuildsTwoServicesForTwoPlatforms(String engine) {
    String fleet = "built-by-" + engine;
    createFleet(fleet);
    boolean withRun = !engine.equals("jib");
    Path project = SampleProject.write(stack.directory("projects", engine), withRun, "v1");

    JsonNode release = build(fleet, project, "engine=" + engine);

    assertThat(release.path("status").asText()).as(api.log(id(release))).isEqualTo("SUCCESS");
    String web = image(release, "web");
    String worker = image(release, "worker");
    String builtOn = withRun ? "aarch64" : "none";
    assertThat(run(web, "linux/arm64")).startsWith("web generic-aarch64 aarch64 " + builtOn);
    assertThat(run(worker, "linux/arm64")).isEqualTo("worker aarch64 v1");
    builtOn = withRun ? "x86_64" : "none";
    assertThat(run(web, "linux/amd64")).startsWith("web generic-amd64 x86_64 " + builtOn);
    assertThat(run(worker, "linux/amd64")).isEqualTo("worker x86_64 v1");
  }

  @Test
  @Order(2)
  void dockerignoreKeepsFilesOutOfImage() {
    JsonNode release = latestRelease("built-by-jib");

    assertThat(run(image(release, "web"), "linux/amd64")).endsWith("report.sh");
  }

  @Test
  @Order(3)
  void unchangedSourceGivesSameDigests() {
    JsonNode first = latestRelease("built-by-jib");
    Path project = SampleProject.write(stack.directory("projects", "jib-again"), false, "v1");

    JsonNode again = build("built-by-jib", project, "engine=jib");

    assertThat(again.path("status").asText()).as(api.log(id(again))).isEqualTo("SUCCESS");
    assertThat(digest(image(again, "web"))).isEqualTo(digest(image(first, "web")));
    assertThat(digest(image(again, "worker"))).isEqualTo(digest(image(first, "worker")));
  }

  @Test
  @Order(4)
  void changedSourceFileChangesOnlyItsService() {
    JsonNode first = latestRelease("built-by-jib");
    Path project = SampleProject.write(stack.directory("projects", "jib-changed"), false, "v2");

    JsonNode changed = build("built-by-jib", project, "engine=jib");

    assertThat(changed.path("status").asText()).as(api.log(id(changed))).isEqualTo("SUCCESS");
    assertThat(digest(image(changed, "web"))).isEqualTo(digest(image(first, "web")));
    assertThat(run(image(changed, "worker"), "linux/arm64")).isEqualTo("worker aarch64 v2");
  }

  @Test
  @Order(5)
  void runWithoutRuntimeEngineFailsTheReleaseNamingTheLine() {
    createFleet("jib-forced");
    Path project = SampleProject.write(stack.directory("projects", "forced"), true, "v1");

    JsonNode release = build("jib-forced", project, "engine=jib");

    assertThat(release.path("status").asText()).isEqualTo("FAILED");
    assertThat(api.log(id(release))).contains("Dockerfile.template").contains("RUN");
  }

  @Test
  @Order(6)
  void killedServerFinishesBuildAfterRestart() throws Exception {
    createFleet("restarted");
    Path project = SampleProject.write(stack.directory("projects", "restart"), true, "slow");
    // A step of its own per run: the engine's layer cache outlives the test, and a cached sleep
    // would let the build finish before the server is killed.
    java.nio.file.Files.writeString(
        project.resolve("worker/Dockerfile"),
        java.nio.file.Files.readString(project.resolve("worker/Dockerfile"))
            .replace("COPY run.sh", "RUN sleep 20 && echo " + UUID.randomUUID() + "\nCOPY run.sh"));
    Reply started =
        api.startBuild(ORGANIZATION, "restarted", SampleProject.archive(project), "engine=docker");
    assertThat(started.status()).as(started.text()).isEqualTo(202);
    long releaseId = id(started.json());
    awaitLogContaining(releaseId, "sleep 20", Duration.ofMinutes(5));

    stack.restartAfterKill();
    api = new BuildApi(stack, stack.server().bootstrapToken());
    docker.login(registry(), stack.server().bootstrapToken()).assertSucceeded();
    JsonNode release = api.awaitFinal(releaseId, BUILD_TIMEOUT);

    assertThat(release.path("status").asText()).as(api.log(releaseId)).isEqualTo("SUCCESS");
    assertThat(run(image(release, "worker"), "linux/arm64")).isEqualTo("worker aarch64 slow");
  }

  private static void createFleet(String fleet) {
    Reply created =
        api.send(
            "POST",
            "/api/v1/orgs/" + ORGANIZATION + "/fleets",
            "{\"slug\":\"" + fleet + "\",\"deviceType\":\"generic-amd64\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    Reply types =
        api.send(
            "PATCH",
            "/api/v1/orgs/" + ORGANIZATION + "/fleets/" + fleet,
            "{\"deviceTypes\":[\"generic-amd64\",\"generic-aarch64\"]}");
    assertThat(types.status()).as(types.text()).isEqualTo(200);
  }

  private static JsonNode build(String fleet, Path project, String query) {
    Reply started = api.startBuild(ORGANIZATION, fleet, SampleProject.archive(project), query);
    assertThat(started.status()).as(started.text()).isEqualTo(202);
    return api.awaitFinal(id(started.json()), BUILD_TIMEOUT);
  }

  private static JsonNode latestRelease(String fleet) {
    Reply list =
        api.send("GET", "/api/v1/orgs/" + ORGANIZATION + "/fleets/" + fleet + "/releases", null);
    assertThat(list.status()).as(list.text()).isEqualTo(200);
    JsonNode releases = list.json().has("releases") ? list.json().path("releases") : list.json();
    for (JsonNode release : releases) {
      if (release.path("status").asText().equals("SUCCESS")) {
        return api.send("GET", "/api/v1/releases/" + id(release), null).json();
      }
    }
    throw new AssertionError("Fleet " + fleet + " has no successful release: " + list.text());
  }

  private static void awaitLogContaining(long releaseId, String text, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!api.log(releaseId).contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "Build log of release " + releaseId + " never showed '" + text + "'");
      }
      Thread.sleep(500);
    }
  }

  /**
   * Pulls {@code image} for {@code platform} and returns what its container prints, trimmed. Docker
   * 20.10 keeps one local image per index digest and refuses to pull another platform over it
   * ("Cannot overwrite digest"), so the local copy goes first.
   */
  private static String run(String image, String platform) {
    docker.run("rmi", "--force", image);
    docker.run("pull", "--platform", platform, image).assertSucceeded();
    CommandResult result =
        docker.run(
            "run", "--rm", "--network", "host", "--pull", "never", "--platform", platform, image);
    result.assertSucceeded();
    return result.stdout().strip();
  }

  private static String image(JsonNode release, String service) {
    String image = release.path("services").path(service).path("image").asText();
    assertThat(image).as("image of service %s in %s", service, release).contains("@sha256:");
    return image;
  }

  private static String digest(String image) {
    return image.substring(image.indexOf('@') + 1);
  }

  private static long id(JsonNode release) {
    return release.path("id").asLong();
  }

  private static String registry() {
    return stack.server().registryHost();
  }
}
