package io.slipway.builder.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildLog;
import io.slipway.builder.BuildRequest;
import io.slipway.builder.BuildResult;
import io.slipway.builder.EngineException;
import io.slipway.builder.TestRegistry;
import io.slipway.builder.context.PreparedContext;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.ImageTarget;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.testing.image.BusyboxImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds with the real Docker engine on {@code /var/run/docker.sock} (started by {@code .ci/run},
 * with qemu-aarch64 registered in binfmt_misc) against a real Slipway registry on loopback, then
 * pulls the pushed images back and runs them with the docker CLI.
 *
 * <p>Every image and tag this test leaves on the engine has {@code docker-engine-it} in its name,
 * and the test removes them again; it never prunes.
 */
class DockerEngineIT {

  private static final String NAME = "docker-engine-it";
  private static final Map<Platform, String> UNAME =
      Map.of(Platform.LINUX_AMD64, "x86_64", Platform.LINUX_ARM64, "aarch64");

  @TempDir static Path work;

  private static TestRegistry registry;
  private static DockerEngine engine;
  private static Path dockerConfig;
  private static final Map<Platform, String> bases = new LinkedHashMap<>();
  private static final List<String> engineReferences = new CopyOnWriteArrayList<>();
  private static final List<String> baseReferences = new CopyOnWriteArrayList<>();
  private static final List<String> stepImages = new CopyOnWriteArrayList<>();
  private static final Pattern STEP_IMAGE = Pattern.compile(" ---> ([0-9a-f]{12})");

  @BeforeAll
  static void startRegistryAndPushBases() throws Exception {
    registry = TestRegistry.start();
    engine = new DockerEngine(DockerSettings.local());
    BusyboxImages.Pushed busybox =
        BusyboxImages.push(
            registry.host(),
            NAME + "/busybox",
            "base",
            registry.credentials().username(),
            registry.credentials().password());
    for (Platform platform : UNAME.keySet()) {
      String pinned =
          busybox.pinned(registry.host() + "/" + NAME + "/busybox", platform.toString());
      bases.put(platform, pinned);
      baseReferences.add(pinned);
    }

    dockerConfig = Files.createDirectories(work.resolve("docker-config"));
    runDocker(
        registry.credentials().password(),
        "login",
        "--username",
        registry.credentials().username(),
        "--password-stdin",
        registry.host());
  }

  @AfterAll
  static void removeEngineImagesAndStop() throws Exception {
    if (dockerConfig == null) {
      dockerConfig = Files.createDirectories(work.resolve("docker-config"));
    }
    // Newest first: results and cache tags, then what failed builds left (removing the last step
    // of a build removes its untagged parents), then the base images they were built on.
    List<String> references = new ArrayList<>(engineReferences);
    Collections.reverse(references);
    List<String> steps = new ArrayList<>(stepImages);
    Collections.reverse(steps);
    for (String reference : references) {
      docker(null, "rmi", reference);
    }
    for (String step : steps) {
      docker(null, "rmi", step);
    }
    for (String base : baseReferences) {
      docker(null, "rmi", base);
    }
    if (engine != null) {
      engine.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void imagesRunOnTheirOwnArchitecture() throws Exception {
    String nonce = UUID.randomUUID().toString();
    List<Partition> partitions = new ArrayList<>();
    for (String service : List.of("web", "worker")) {
      for (Platform platform : UNAME.keySet()) {
        partitions.add(partition(service, platform, nonce, "RUN uname -m > /built-on"));
      }
    }

    // Two at a time, as the pipeline's workers call the engine.
    ExecutorService workers = Executors.newFixedThreadPool(2);
    List<Future<BuildResult>> results = new ArrayList<>();
    try {
      for (Partition partition : partitions) {
        results.add(workers.submit(() -> engine.build(partition.request, partition.log())));
      }
      for (int i = 0; i < partitions.size(); i++) {
        Partition partition = partitions.get(i);
        BuildResult result = results.get(i).get(20, TimeUnit.MINUTES);

        assertThat(result.platform()).isEqualTo(partition.request.platform());
        assertThat(result.mediaType()).isEqualTo(DockerEngine.MANIFEST_MEDIA_TYPE);
        assertThat(partition.lines).anyMatch(line -> line.contains("Running in"));
        assertThat(partition.lines).contains("hello from " + partition.service);

        String image = partition.request.destination().byDigest(result.digest());
        String platform = partition.request.platform().toString();
        engineReferences.add(image);
        runDocker(null, "pull", "--quiet", "--platform", platform, image);
        String expected = UNAME.get(partition.request.platform());
        assertThat(runImage(platform, image, "cat", "/built-on")).isEqualTo(expected);
        assertThat(runImage(platform, image, "uname", "-m")).isEqualTo(expected);
        assertThat(runImage(platform, image, "cat", "/service")).isEqualTo(partition.service);
      }
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void failingRunReportsEngineError() throws Exception {
    Partition partition =
        partition(
            "broken",
            Platform.LINUX_ARM64,
            UUID.randomUUID().toString(),
            "RUN echo about-to-fail && exit 3");

    assertThatThrownBy(() -> engine.build(partition.request, partition.log()))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("broken@linux/arm64")
        .hasMessageContaining("returned a non-zero code: 3")
        .hasMessageContaining("about-to-fail");
    assertThat(partition.lines).anyMatch(line -> line.contains("returned a non-zero code: 3"));
    String containers = runDocker(null, "ps", "--all", "--no-trunc", "--format", "{{.Command}}");
    assertThat(containers).doesNotContain("about-to-fail");
  }

  @Test
  void targetStopsAtItsStage() throws Exception {
    Partition partition =
        partition(
            "staged",
            Platform.LINUX_ARM64,
            UUID.randomUUID().toString(),
            String.join(
                "\n",
                "RUN uname -m > /built-on",
                "FROM " + bases.get(Platform.LINUX_ARM64) + " AS final",
                "COPY --from=0 /built-on /copied-from-first-stage",
                "FROM final AS after-target",
                "RUN echo stage-after-target && exit 9"));
    BuildRequest staged = copy(partition.request, "final", partition.request.credentials());

    BuildResult result = engine.build(staged, partition.log());

    String image = staged.destination().byDigest(result.digest());
    engineReferences.add(image);
    runDocker(null, "pull", "--quiet", "--platform", "linux/arm64", image);
    assertThat(runImage("linux/arm64", image, "cat", "/copied-from-first-stage"))
        .isEqualTo("aarch64");
    assertThat(partition.lines).noneMatch(line -> line.contains("stage-after-target"));
  }

  @Test
  void wrongCredentialsFailTheBuild() throws Exception {
    Partition partition =
        partition(
            "unauthorized",
            Platform.LINUX_AMD64,
            UUID.randomUUID().toString(),
            "RUN uname -m > /built-on");
    BuildRequest request =
        copy(
            partition.request,
            null,
            new RegistryCredentials(registry.credentials().username(), "wrong-secret"));

    assertThatThrownBy(() -> engine.build(request, partition.log()))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("unauthorized@linux/amd64")
        .hasMessageContaining("rejected the build's credentials");
  }

  @Test
  void baseOfAnotherPlatformFailsTheBuild() throws Exception {
    Partition partition =
        partition(
            "mismatch",
            Platform.LINUX_ARM64,
            bases.get(Platform.LINUX_AMD64),
            UUID.randomUUID().toString(),
            "RUN uname -m > /built-on");

    assertThatThrownBy(() -> engine.build(partition.request, partition.log()))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("mismatch@linux/arm64")
        .hasMessageContaining("does not match the specified platform");
  }

  @Test
  void unchangedRebuildUsesEngineCache() throws Exception {
    String nonce = UUID.randomUUID().toString();
    Partition first = partition("cached", Platform.LINUX_AMD64, nonce, "RUN uname -m > /built-on");
    BuildResult built = engine.build(first.request, first.log());

    Partition second = partition("cached", Platform.LINUX_AMD64, nonce, "RUN uname -m > /built-on");
    BuildResult rebuilt = engine.build(second.request, second.log());

    assertThat(first.lines).anyMatch(line -> line.contains("Running in"));
    assertThat(second.lines).noneMatch(line -> line.contains("Running in"));
    assertThat(second.lines).anyMatch(line -> line.contains("Using cache"));
    assertThat(rebuilt.digest()).isEqualTo(built.digest());
  }

  /**
   * Prepares a context for {@code service} on {@code platform} as the pipeline would: a resolved
   * Dockerfile whose FROM is pinned to the base's manifest for that platform.
   */
  private static Partition partition(String service, Platform platform, String nonce, String run)
      throws IOException {
    return partition(service, platform, bases.get(platform), nonce, run);
  }

  private static Partition partition(
      String service, Platform platform, String base, String nonce, String run) throws IOException {
    Path context = Files.createTempDirectory(work, service + "-" + platform.slug());
    Files.writeString(context.resolve("nonce"), nonce);
    Files.writeString(context.resolve("service"), service + "\n");
    Files.writeString(context.resolve("ignored-by-build"), "not copied");
    Path dockerfile = context.resolve(PreparedContext.DOCKERFILE);
    Files.createDirectories(dockerfile.getParent());
    Files.writeString(
        dockerfile,
        String.join(
            "\n",
            "FROM " + base,
            "ARG GREETING",
            "COPY nonce /nonce",
            "COPY service /service",
            "RUN echo \"$GREETING from " + service + "\"",
            run,
            "CMD [\"cat\", \"/built-on\"]",
            ""));
    ImageTarget destination =
        new ImageTarget(registry.host(), NAME + "/" + service, "1.0.0-" + platform.slug());
    engineReferences.add(
        DockerSettings.DEFAULT_CACHE_REPOSITORY
            + "/"
            + NAME
            + "/"
            + service
            + ":"
            + platform.slug());
    BuildRequest request =
        new BuildRequest(
            service,
            platform,
            context,
            PreparedContext.DOCKERFILE,
            Map.of("GREETING", "hello"),
            null,
            destination,
            registry.credentials(),
            Instant.parse("2026-01-01T00:00:00Z"));
    return new Partition(service, request, new CopyOnWriteArrayList<>());
  }

  /** Returns {@code request} with another target and other credentials. */
  private static BuildRequest copy(
      BuildRequest request, String target, RegistryCredentials credentials) {
    return new BuildRequest(
        request.service(),
        request.platform(),
        request.context(),
        request.dockerfile(),
        request.buildArgs(),
        target,
        request.destination(),
        credentials,
        request.created());
  }

  /** One build's request and the log lines it wrote; remembers the step images it made. */
  private record Partition(String service, BuildRequest request, List<String> lines) {

    BuildLog log() {
      return line -> {
        lines.add(line);
        Matcher step = STEP_IMAGE.matcher(line);
        if (step.find()) {
          stepImages.add(step.group(1));
        }
      };
    }
  }

  private static String runImage(String platform, String image, String... command)
      throws Exception {
    List<String> arguments =
        new ArrayList<>(
            List.of("run", "--rm", "--network", "host", "--pull", "never", "--platform", platform));
    arguments.add(image);
    arguments.addAll(List.of(command));
    return runDocker(null, arguments.toArray(String[]::new)).trim();
  }

  /** Runs the docker CLI with this test's client configuration and expects success. */
  private static String runDocker(String input, String... arguments) throws Exception {
    Result result = docker(input, arguments);
    assertThat(result.exitCode())
        .as("docker %s printed: %s", String.join(" ", arguments), result.output())
        .isZero();
    return result.output();
  }

  private record Result(int exitCode, String output) {}

  private static Result docker(String input, String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker", "--config", dockerConfig.toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var stdin = process.getOutputStream()) {
      if (input != null) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return new Result(-1, output);
    }
    return new Result(process.exitValue(), output);
  }
}
