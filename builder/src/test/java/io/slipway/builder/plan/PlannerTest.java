package io.slipway.builder.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.project.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {

  private static final String REGISTRY = "127.0.0.1:5000";
  private static final BuildTarget NUC =
      new BuildTarget("intel-nuc", "amd64", Platform.LINUX_AMD64);
  private static final BuildTarget PI4 =
      new BuildTarget("raspberrypi4-64", "aarch64", Platform.LINUX_ARM64);
  private static final BuildTarget JETSON =
      new BuildTarget("jetson-nano", "aarch64", Platform.LINUX_ARM64);
  private static final EmulatorCheck EVERYTHING = platform -> true;
  private static final AvailableEngines DOCKER = new AvailableEngines(false, true);

  @TempDir Path root;

  /** Base images that exist, by fully qualified reference and platform. */
  private final Map<String, Set<Platform>> images = new java.util.HashMap<>();

  private final List<String> requests = new ArrayList<>();

  private final BaseImageResolver resolver =
      (image, platform) -> {
        requests.add(image + " " + platform);
        if (!images.getOrDefault(image, Set.of()).contains(platform)) {
          return Optional.empty();
        }
        String hex = Integer.toHexString((image + platform).hashCode());
        String repository = image.substring(0, image.lastIndexOf(':'));
        return Optional.of(repository + "@sha256:" + "0".repeat(64 - hex.length()) + hex);
      };

  @BeforeEach
  void baseImages() {
    images.put(REGISTRY + "/acme/node:20", Set.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64));
    images.put(
        REGISTRY + "/acme/busybox:latest", Set.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64));
    images.put("registry.example.com:443/tools/go:1.22", Set.of(Platform.LINUX_AMD64));
  }

  private void write(String path, String text) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private void twoServiceProject() throws IOException {
    write(
        "docker-compose.yml",
        """
        version: '2.4'
        services:
          web:
            build: ./web
            ports: ["80:8080"]
          collector:
            build:
              context: collector
              args:
                LEVEL: info
          proxy:
            image: nginx:1.27
        """);
    write(
        "web/Dockerfile.template",
        """
        FROM acme/node:20 AS deps
        WORKDIR /app
        COPY package.json ./
        RUN npm install --%%SLIPWAY_ARCH%%
        FROM acme/busybox
        COPY --from=deps /app /app
        CMD ["node", "/app/server.js"]
        """);
    write("web/package.json", "{}\n");
    write(
        "collector/Dockerfile",
        """
        FROM scratch AS config
        COPY collector.yml /etc/
        FROM \\
          acme/busybox
        ARG LEVEL
        ENV LEVEL=$LEVEL
        COPY --from=config /etc/collector.yml /etc/
        ENTRYPOINT ["/bin/collector"]
        """);
    write("collector/collector.yml", "interval: 5s\n");
  }

  private BuildPlan plan(List<BuildTarget> targets, EngineChoice choice, AvailableEngines engines) {
    return new Planner(REGISTRY, resolver, engines, EVERYTHING)
        .plan(Project.load(root), targets, choice);
  }

  @Test
  void makesOnePartitionPerBuiltServiceAndPlatform() throws IOException {
    twoServiceProject();

    BuildPlan plan = plan(List.of(NUC, PI4), EngineChoice.AUTO, DOCKER);

    assertThat(plan.partitions())
        .extracting(Partition::name)
        .containsExactly(
            "web@linux/amd64", "web@linux/arm64", "collector@linux/amd64", "collector@linux/arm64");
  }

  @Test
  void picksJibWithoutRunAndDockerWithRun() throws IOException {
    twoServiceProject();

    BuildPlan plan = plan(List.of(NUC), EngineChoice.AUTO, DOCKER);

    assertThat(plan.partition("web", Platform.LINUX_AMD64).orElseThrow().engine())
        .isEqualTo("docker");
    assertThat(plan.partition("collector", Platform.LINUX_AMD64).orElseThrow().engine())
        .isEqualTo("jib");
  }

  @Test
  void prefersBuildkitOverDocker() throws IOException {
    twoServiceProject();

    BuildPlan plan = plan(List.of(NUC), EngineChoice.AUTO, new AvailableEngines(true, true));

    assertThat(plan.partition("web", Platform.LINUX_AMD64).orElseThrow().engine())
        .isEqualTo("buildkit");
  }

  @Test
  void pinsFromLinesInPlace() throws IOException {
    twoServiceProject();

    BuildPlan plan = plan(List.of(PI4), EngineChoice.AUTO, DOCKER);

    String text = plan.partition("collector", Platform.LINUX_ARM64).orElseThrow().dockerfileText();
    String[] lines = text.split("\n", -1);
    assertThat(lines[0]).isEqualTo("FROM scratch AS config");
    assertThat(lines[2]).matches("FROM 127\\.0\\.0\\.1:5000/acme/busybox@sha256:[0-9a-f]{64}");
    assertThat(lines[3]).isEmpty();
    assertThat(lines[6]).isEqualTo("COPY --from=config /etc/collector.yml /etc/");
    assertThat(lines).hasSize(9);
  }

  @Test
  void fillsTheTemplateBeforePinning() throws IOException {
    twoServiceProject();

    Partition web = plan(List.of(PI4), EngineChoice.AUTO, DOCKER).partitions("web").get(0);

    assertThat(web.dockerfileText()).contains("RUN npm install --aarch64");
    assertThat(web.dockerfileText())
        .containsPattern("FROM 127\\.0\\.0\\.1:5000/acme/node@sha256:\\w{64} AS deps");
    assertThat(web.baseImages()).containsOnlyKeys("acme/node:20", "acme/busybox");
  }

  @Test
  void asksForEachBaseOncePerPlatform() throws IOException {
    twoServiceProject();

    plan(List.of(NUC, PI4), EngineChoice.AUTO, DOCKER);

    assertThat(requests).doesNotHaveDuplicates().hasSize(4);
  }

  @Test
  void keepsARegistryHostAsWritten() throws IOException {
    write("Dockerfile", "FROM registry.example.com:443/tools/go:1.22\nCOPY . /src\n");

    Partition main = plan(List.of(NUC), EngineChoice.AUTO, DOCKER).partitions().get(0);

    assertThat(main.dockerfileText()).startsWith("FROM registry.example.com:443/tools/go@sha256:");
    assertThat(main.service()).isEqualTo("main");
  }

  @Test
  void rejectsABaseImageMissingForAPlatform() throws IOException {
    write("Dockerfile", "# tools\nFROM registry.example.com:443/tools/go:1.22\nCOPY . /src\n");

    assertThatThrownBy(() -> plan(List.of(NUC, PI4), EngineChoice.AUTO, DOCKER))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.file()).isEqualTo("Dockerfile");
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.reason())
                  .contains("registry.example.com:443/tools/go:1.22")
                  .contains("does not exist for linux/arm64");
            });
  }

  @Test
  void pinsAnImageNamedInCopyFrom() throws IOException {
    write("Dockerfile", "FROM scratch\nCOPY --from=acme/busybox /bin/busybox /bin/\n");

    Partition main = plan(List.of(NUC), EngineChoice.AUTO, DOCKER).partitions().get(0);

    assertThat(main.dockerfileText().split("\n")[1])
        .matches("COPY --from=127\\.0\\.0\\.1:5000/acme/busybox@sha256:\\w{64} /bin/busybox /bin/");
  }

  @Test
  void sharesOnePartitionPerPlatform() throws IOException {
    twoServiceProject();

    BuildPlan plan = plan(List.of(PI4, JETSON), EngineChoice.AUTO, DOCKER);

    assertThat(plan.partitions("web")).hasSize(1);
    assertThat(plan.partitions("web").get(0).targets()).containsExactly(PI4, JETSON);
  }

  @Test
  void rejectsDivergentDockerfilesOnOnePlatform() throws IOException {
    twoServiceProject();
    write("web/Dockerfile.jetson-nano", "FROM acme/node:20\nCOPY package.json /\n");

    assertThatThrownBy(() -> plan(List.of(PI4, JETSON), EngineChoice.AUTO, DOCKER))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.file()).isEqualTo("web/Dockerfile.jetson-nano");
              assertThat(e.reason())
                  .contains("raspberrypi4-64 (web/Dockerfile.template)")
                  .contains("jetson-nano (web/Dockerfile.jetson-nano)")
                  .contains("linux/arm64");
            });
  }

  @Test
  void rejectsForcedJibOnARun() throws IOException {
    twoServiceProject();

    assertThatThrownBy(() -> plan(List.of(NUC), EngineChoice.JIB, DOCKER))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.file()).isEqualTo("web/Dockerfile.template");
              assertThat(e.line()).isEqualTo(4);
              assertThat(e.reason())
                  .contains("service web stage deps line 4 uses RUN")
                  .contains(
                      "configure slipway.builder.docker.host or slipway.builder.buildkit.address");
            });
  }

  @Test
  void rejectsARunWithoutAnEngineThatRunsCommands() throws IOException {
    twoServiceProject();

    assertThatThrownBy(() -> plan(List.of(NUC), EngineChoice.AUTO, AvailableEngines.JIB_ONLY))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("no engine that runs commands is configured");
  }

  @Test
  void rejectsAForcedEngineThatIsNotConfigured() throws IOException {
    twoServiceProject();

    assertThatThrownBy(() -> plan(List.of(NUC), EngineChoice.BUILDKIT, DOCKER))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("slipway.builder.buildkit.address");
  }

  @Test
  void letsAForcedEngineBuildWithoutRun() throws IOException {
    twoServiceProject();

    BuildPlan plan = plan(List.of(NUC), EngineChoice.DOCKER, DOCKER);

    assertThat(plan.partitions()).extracting(Partition::engine).containsOnly("docker");
  }

  @Test
  void rejectsChmodForTheClassicBuilder() throws IOException {
    twoServiceProject();
    write(
        "collector/Dockerfile",
        """
        FROM acme/busybox
        COPY --chmod=755 collector.yml /etc/
        RUN true
        """);

    assertThatThrownBy(() -> plan(List.of(NUC), EngineChoice.AUTO, DOCKER))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.file()).isEqualTo("collector/Dockerfile");
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.reason()).contains("COPY --chmod").contains("buildkit.address");
            });
  }

  @Test
  void rejectsHeredocForTheClassicBuilder() throws IOException {
    twoServiceProject();
    write(
        "collector/Dockerfile",
        """
        FROM acme/busybox
        RUN <<EOF
        echo hello
        EOF
        """);

    assertThatThrownBy(() -> plan(List.of(NUC), EngineChoice.DOCKER, DOCKER))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("collector/Dockerfile:2")
        .hasMessageContaining("here-document");
  }

  @Test
  void givesBuildkitSyntaxToBuildkit() throws IOException {
    twoServiceProject();
    write(
        "collector/Dockerfile",
        """
        FROM acme/busybox
        COPY --chmod=755 collector.yml /etc/
        RUN --network=none true
        """);

    BuildPlan plan = plan(List.of(NUC), EngineChoice.AUTO, new AvailableEngines(true, true));

    assertThat(plan.partitions()).extracting(Partition::engine).containsOnly("buildkit");
  }

  @Test
  void rejectsAMountFromAnImage() throws IOException {
    twoServiceProject();
    write(
        "collector/Dockerfile",
        """
        FROM acme/busybox AS tools
        FROM acme/busybox
        RUN --mount=type=bind,from=tools,target=/t ls /t
        RUN --mount=type=bind,from=slipway-build/other/fleet/web:linux-amd64,target=/x cat /x/f
        """);

    assertThatThrownBy(
            () -> plan(List.of(NUC), EngineChoice.AUTO, new AvailableEngines(true, true)))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.line()).isEqualTo(4);
              assertThat(e.reason()).contains("from=slipway-build/other/fleet/web:linux-amd64");
            });
  }

  @Test
  void rejectsACacheMount() throws IOException {
    twoServiceProject();
    write(
        "collector/Dockerfile",
        """
        FROM acme/busybox
        RUN --mount=type=cache,id=shared,target=/c ls /c
        """);

    assertThatThrownBy(
            () -> plan(List.of(NUC), EngineChoice.AUTO, new AvailableEngines(true, true)))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("collector/Dockerfile:2")
        .hasMessageContaining("type=cache");
  }

  @Test
  void rejectsAnAddOfAUrl() throws IOException {
    twoServiceProject();
    write(
        "collector/Dockerfile",
        """
        FROM acme/busybox
        ADD http://127.0.0.1:8080/api/v1/orgs /orgs.json
        """);

    assertThatThrownBy(() -> plan(List.of(NUC), EngineChoice.AUTO, DOCKER))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("collector/Dockerfile:2")
        .hasMessageContaining("ADD http://127.0.0.1:8080/api/v1/orgs");
  }

  @Test
  void emptiesTheSyntaxDirective() throws IOException {
    twoServiceProject();
    write(
        "collector/Dockerfile",
        """
        # syntax=docker/dockerfile:1
        # escape=\\
        FROM acme/busybox
        COPY collector.yml /etc/
        """);

    BuildPlan plan = plan(List.of(NUC), EngineChoice.AUTO, DOCKER);

    String text = plan.partition("collector", Platform.LINUX_AMD64).orElseThrow().dockerfileText();
    assertThat(text.split("\n")[0]).isEqualTo("#");
    assertThat(text.split("\n")[1]).isEqualTo("# escape=\\");
  }

  @Test
  void movesPinnedImagesToAnotherRegistryAddress() throws IOException {
    twoServiceProject();
    Partition planned =
        plan(List.of(NUC), EngineChoice.AUTO, DOCKER)
            .partition("collector", Platform.LINUX_AMD64)
            .orElseThrow();

    Partition moved = planned.withRegistry(REGISTRY, "127.0.0.1:6000");

    assertThat(moved.dockerfileText()).contains("FROM 127.0.0.1:6000/acme/busybox@sha256:");
    assertThat(moved.dockerfileText()).doesNotContain(REGISTRY + "/");
    assertThat(moved.baseImages().values()).allMatch(pin -> pin.startsWith("127.0.0.1:6000/"));
    assertThat(moved.cacheKey()).isEqualTo(planned.cacheKey());
  }

  @Test
  void rejectsAForeignRunWithoutEmulator() throws IOException {
    twoServiceProject();
    EmulatorCheck amd64Only = platform -> platform.equals(Platform.LINUX_AMD64);

    assertThatThrownBy(
            () ->
                new Planner(REGISTRY, resolver, DOCKER, amd64Only)
                    .plan(Project.load(root), List.of(NUC, PI4), EngineChoice.AUTO))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.line()).isEqualTo(4);
              assertThat(e.reason()).contains("linux/arm64").contains("no emulator");
            });
  }

  @Test
  void runsABuildPlatformStageWithoutEmulator() throws IOException {
    write(
        "Dockerfile",
        "FROM --platform=$BUILDPLATFORM acme/node:20 AS build\nRUN make\n"
            + "FROM acme/busybox\nCOPY --from=build /out /out\n");
    EmulatorCheck amd64Only = platform -> platform.equals(Platform.LINUX_AMD64);

    BuildPlan plan =
        new Planner(REGISTRY, resolver, DOCKER, amd64Only)
            .plan(Project.load(root), List.of(PI4), EngineChoice.AUTO);

    assertThat(plan.partitions().get(0).dockerfileText())
        .startsWith("FROM --platform=$BUILDPLATFORM 127.0.0.1:5000/acme/node@sha256:");
  }

  @Test
  void rejectsACopyOutsideTheContext() throws IOException {
    twoServiceProject();
    write("web/Dockerfile.template", "FROM acme/node:20\nCOPY ../collector/collector.yml /\n");

    assertThatThrownBy(() -> plan(List.of(NUC), EngineChoice.AUTO, DOCKER))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("web/Dockerfile.template:2:")
        .hasMessageContaining("outside the build context web");
  }

  @Test
  void rejectsAnUndefinedArg() throws IOException {
    write("Dockerfile", "FROM acme/node:${NODE_VERSION}\n");

    assertThatThrownBy(() -> plan(List.of(NUC), EngineChoice.AUTO, DOCKER))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("Dockerfile:1:")
        .hasMessageContaining("undefined ARG 'NODE_VERSION'");
  }

  @Test
  void rejectsAMissingDockerfile() throws IOException {
    twoServiceProject();
    Files.delete(root.resolve("collector/Dockerfile"));

    assertThatThrownBy(() -> plan(List.of(NUC), EngineChoice.AUTO, DOCKER))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("service collector has no Dockerfile");
  }

  @Test
  void rejectsAMissingContextAtItsComposeLine() throws IOException {
    write("docker-compose.yml", "services:\n  app:\n    build: ./missing\n");

    assertThatThrownBy(() -> plan(List.of(NUC), EngineChoice.AUTO, DOCKER))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("docker-compose.yml:2:")
        .hasMessageContaining("'missing' of service app is not a directory");
  }

  @Test
  void rejectsATargetNamingNoStage() throws IOException {
    write(
        "docker-compose.yml",
        "services:\n  app:\n    build:\n      context: .\n      target: prod\n");
    write("Dockerfile", "FROM acme/busybox AS dev\n");

    assertThatThrownBy(() -> plan(List.of(NUC), EngineChoice.AUTO, DOCKER))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("'prod'");
  }

  @Test
  void keepsTheCacheKeyForUnchangedInput() throws IOException {
    twoServiceProject();

    String first = plan(List.of(NUC), EngineChoice.AUTO, DOCKER).partitions().get(0).cacheKey();
    String second = plan(List.of(NUC), EngineChoice.AUTO, DOCKER).partitions().get(0).cacheKey();

    assertThat(second).isEqualTo(first);
  }

  @Test
  void changesTheCacheKeyWhenASourceFileChanges() throws IOException {
    twoServiceProject();
    String before = plan(List.of(NUC), EngineChoice.AUTO, DOCKER).partitions().get(0).cacheKey();

    write("web/package.json", "{\"name\": \"web\"}\n");

    assertThat(plan(List.of(NUC), EngineChoice.AUTO, DOCKER).partitions().get(0).cacheKey())
        .isNotEqualTo(before);
  }

  @Test
  void cacheKeyCoversPlatformAndEngine() throws IOException {
    twoServiceProject();

    BuildPlan docker = plan(List.of(NUC, PI4), EngineChoice.AUTO, DOCKER);
    BuildPlan buildkit = plan(List.of(NUC), EngineChoice.AUTO, new AvailableEngines(true, false));

    String amd64 = docker.partitions().get(0).cacheKey();
    assertThat(docker.partitions().get(1).cacheKey()).isNotEqualTo(amd64);
    assertThat(buildkit.partitions().get(0).cacheKey()).isNotEqualTo(amd64);
  }

  @Test
  void leavesFromLinesAsWrittenInADryRun() throws IOException {
    twoServiceProject();

    BuildPlan plan =
        Planner.dryRun(DOCKER, EVERYTHING)
            .plan(Project.load(root), List.of(NUC), EngineChoice.AUTO);

    assertThat(plan.partitions().get(0).dockerfileText()).startsWith("FROM acme/node:20 AS deps\n");
    assertThat(requests).isEmpty();
  }

  @Test
  void rejectsAMalformedImageName() throws IOException {
    write("Dockerfile", "FROM Acme/Base:1\n");

    assertThatThrownBy(() -> plan(List.of(NUC), EngineChoice.AUTO, DOCKER))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("Dockerfile:1:")
        .hasMessageContaining("'Acme/Base:1' is not a valid reference");
  }

  @Test
  void rejectsNoTargets() throws IOException {
    twoServiceProject();

    assertThatThrownBy(() -> plan(List.of(), EngineChoice.AUTO, DOCKER))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
