package io.slipway.builder.engine.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildLog;
import io.slipway.builder.BuildRequest;
import io.slipway.builder.BuildResult;
import io.slipway.builder.EngineException;
import io.slipway.builder.TestRegistry;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.ImageTarget;
import io.slipway.testing.image.BusyboxImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds with the BuildKit embedded in the Docker engine on {@code /var/run/docker.sock} (qemu
 * registered for arm64) and a Slipway registry on loopback, then pulls each image back and runs it
 * with the docker CLI on its platform.
 *
 * <p>Images and tags it leaves in the engine carry {@code buildkit-it} in their names and are
 * removed afterwards. The build cache is left alone.
 */
class BuildKitEngineIT {

  private static final String NAME = "buildkit-it";
  private static final Map<Platform, String> MACHINE =
      Map.of(Platform.LINUX_AMD64, "x86_64", Platform.LINUX_ARM64, "aarch64");

  @TempDir static Path work;

  private static TestRegistry registry;
  private static BuildKitEngine engine;
  private static DockerCli docker;
  private static final Map<Platform, String> bases = new LinkedHashMap<>();
  private static final List<String> leftInEngine = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startRegistryAndPushBusybox() throws Exception {
    registry = TestRegistry.start();
    engine = new BuildKitEngine(new BuildKitSettings(BuildKitSettings.DOCKER));
    BusyboxImages.Pushed busybox =
        BusyboxImages.push(
            registry.host(),
            NAME + "/busybox",
            "base",
            registry.credentials().username(),
            registry.credentials().password());
    for (Platform platform : MACHINE.keySet()) {
      String pinned =
          busybox.pinned(registry.host() + "/" + NAME + "/busybox", platform.toString());
      bases.put(platform, pinned);
      leftInEngine.add(pinned);
    }

    docker = new DockerCli(Files.createDirectories(work.resolve("docker-config")));
    docker.login(registry.host(), registry.credentials());
  }

  @AfterAll
  static void cleanUp() throws Exception {
    for (String image : docker == null ? List.<String>of() : leftInEngine) {
      docker.remove(image);
    }
    if (engine != null) {
      engine.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void imagesRunOnOwnArchitecture() throws Exception {
    String nonce = UUID.randomUUID().toString();
    List<Build> builds = new ArrayList<>();
    for (String service : List.of("web", "worker")) {
      for (Platform platform : MACHINE.keySet()) {
        builds.add(build(service, platform, nonce, "RUN uname -m > /built-on"));
      }
    }

    ExecutorService workers = Executors.newFixedThreadPool(2);
    try {
      List<Future<BuildResult>> results = new ArrayList<>();
      for (Build build : builds) {
        results.add(workers.submit(() -> engine.build(build.request(), build.log())));
      }
      for (int i = 0; i < builds.size(); i++) {
        Build build = builds.get(i);
        BuildResult result = results.get(i).get(20, TimeUnit.MINUTES);
        Platform platform = build.request().platform();
        String image = build.request().destination().byDigest(result.digest());
        leftInEngine.add(image);

        assertThat(result.platform()).isEqualTo(platform);
        assertThat(result.mediaType()).isEqualTo(BuildKitEngine.DOCKER_MANIFEST);
        assertThat(build.lines()).anyMatch(line -> line.endsWith("hello from " + build.service()));

        docker.pull(platform, image);
        assertThat(docker.run(platform, image, "cat", "/built-on"))
            .isEqualTo(MACHINE.get(platform));
        assertThat(docker.run(platform, image, "cat", "/service")).isEqualTo(build.service());
      }
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void failingRunRaisesTheExecutorMessage() throws Exception {
    Build build =
        build(
            "broken",
            Platform.LINUX_ARM64,
            UUID.randomUUID().toString(),
            "RUN echo going-to-fail && exit 3");

    assertThatThrownBy(() -> engine.build(build.request(), build.log()))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("broken for linux/arm64")
        .hasMessageContaining("exit code: 3")
        .hasMessageContaining("going-to-fail");
    assertThat(build.lines()).anyMatch(line -> line.contains("ERROR:"));
  }

  @Test
  void unchangedContextIsCached() throws Exception {
    String nonce = UUID.randomUUID().toString();
    Build first = build("cached", Platform.LINUX_AMD64, nonce, "RUN uname -m > /built-on");
    BuildResult built = engine.build(first.request(), first.log());
    leftInEngine.add(first.request().destination().byDigest(built.digest()));

    Build second = build("cached", Platform.LINUX_AMD64, nonce, "RUN uname -m > /built-on");
    engine.build(second.request(), second.log());

    assertThat(first.lines()).noneMatch(line -> line.endsWith(" CACHED"));
    assertThat(second.lines()).anyMatch(line -> line.endsWith(" CACHED"));
    assertThat(second.lines()).noneMatch(line -> line.endsWith(" hello from cached"));
  }

  @Test
  void workersReportBothTestedPlatforms() {
    assertThat(engine.supportedPlatforms()).contains(Platform.LINUX_AMD64, Platform.LINUX_ARM64);
    assertThat(engine.emulatorCheck().canRun(Platform.LINUX_ARM64)).isTrue();
    // Debian's qemu-user-static registers s390x and most other Linux architectures, so only
    // another operating system is sure to be missing from the workers.
    assertThat(engine.emulatorCheck().canRun(new Platform("windows", "amd64", null))).isFalse();
  }

  /** Writes a context as the pipeline prepares it: the Dockerfile's FROM pinned by digest. */
  private static Build build(String service, Platform platform, String nonce, String run)
      throws IOException {
    Path context = Files.createTempDirectory(work, service + "-" + platform.slug());
    Files.writeString(context.resolve("nonce"), nonce);
    Files.writeString(context.resolve("service"), service);
    Files.writeString(
        context.resolve("Dockerfile.resolved"),
        String.join(
            "\n",
            "FROM " + bases.get(platform),
            "ARG GREETING",
            "COPY nonce service /",
            "RUN echo \"$GREETING from " + service + "\"",
            run,
            ""));
    ImageTarget destination =
        new ImageTarget(registry.host(), NAME + "/" + service, "1.0.0-" + platform.slug());
    BuildRequest request =
        new BuildRequest(
            service,
            platform,
            context,
            "Dockerfile.resolved",
            Map.of("GREETING", "hello"),
            null,
            destination,
            registry.credentials(),
            Instant.parse("2026-02-01T00:00:00Z"));
    return new Build(service, request, new CopyOnWriteArrayList<>());
  }

  private record Build(String service, BuildRequest request, List<String> lines) {

    BuildLog log() {
      return lines::add;
    }
  }
}
