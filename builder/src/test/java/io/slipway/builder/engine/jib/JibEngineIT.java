package io.slipway.builder.engine.jib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.BuildRequest;
import io.slipway.builder.BuildResult;
import io.slipway.builder.TestRegistry;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.ImageTarget;
import io.slipway.builder.registry.IndexWriter;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.testing.image.BusyboxImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Jib engine against a real Slipway registry with token auth: a two-service project built for
 * linux/amd64 and linux/arm64 on a busybox base, assembled into indexes, then pulled and run by the
 * Docker engine, each image printing its own {@code uname -m}.
 */
class JibEngineIT {

  private static final String BASE = "jib/base/busybox";
  private static final String FLEET = "jib/fleet";
  private static final Instant CREATED = Instant.parse("2026-03-04T05:06:07Z");
  private static final List<Platform> PLATFORMS =
      List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64);

  private static TestRegistry registry;
  private static RegistryClient client;
  private static JibEngine engine;
  private static Path project;
  private static Path dockerConfig;
  private static final Set<String> createdImages = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start(@TempDir Path directory) throws Exception {
    registry = TestRegistry.start();
    BusyboxImages.push(
        registry.host(),
        BASE,
        "1.0",
        registry.credentials().username(),
        registry.credentials().password());
    client = new RegistryClient(registry.host(), registry.credentials(), Duration.ofSeconds(30));
    engine = new JibEngine(JibSettings.in(directory.resolve("cache")));
    project = writeProject(directory.resolve("project"));
    dockerConfig = directory.resolve("docker-config");
  }

  @AfterAll
  static void stop() throws Exception {
    for (String image : createdImages) {
      try {
        run("docker", "rmi", "--force", image);
      } catch (IllegalStateException alreadyRemoved) {
        // Another test's pull may have given the same image, removed with its first id.
      }
    }
    registry.close();
  }

  // --- the project -----------------------------------------------------------------------------

  private static Path writeProject(Path root) throws IOException {
    Path web = Files.createDirectories(root.resolve("web"));
    Files.createDirectories(web.resolve("app/static"));
    Files.writeString(web.resolve("app/static/index.html"), "<h1>web</h1>\n");
    Path script =
        Files.writeString(
            web.resolve("run.sh"),
            "#!/bin/sh\necho \"$GREETING from web on $(uname -m)\"\ncat /opt/bundle/inside.txt\n");
    script.toFile().setExecutable(false);
    Files.write(web.resolve("bundle.tar.gz"), tarGz("inside.txt", "unpacked by ADD\n"));

    Path worker = Files.createDirectories(root.resolve("worker"));
    Files.createDirectories(worker.resolve("assets"));
    Files.writeString(worker.resolve("assets/message.txt"), "worker asset\n");
    Files.writeString(worker.resolve("tool.sh"), "#!/bin/sh\necho tool ran\n");
    return root;
  }

  private static String webDockerfile(String base) {
    return """
        FROM %s
        ARG GREETING=hello
        ENV GREETING=${GREETING}
        LABEL org.example.service=web org.example.team="edge devices"
        WORKDIR /app
        COPY app/ ./
        COPY --chmod=0755 run.sh /app/run.sh
        ADD bundle.tar.gz /opt/bundle/
        EXPOSE 8080 9000/udp
        VOLUME /data
        USER 1000:1000
        CMD ["/app/run.sh"]
        """
        .formatted(base);
  }

  private static String workerDockerfile(String base) {
    return """
        FROM scratch AS assets
        COPY assets/ /assets/

        FROM %1$s AS tools
        COPY --chmod=755 tool.sh /usr/local/bin/tool

        FROM %1$s
        COPY --from=assets /assets /opt/assets
        COPY --from=tools /usr/local/bin/tool /usr/local/bin/tool
        COPY --from=tools /bin/busybox /opt/busybox-copy
        COPY --chown=1000:1000 <<EOF /etc/worker.conf
        mode=test
        EOF
        ENTRYPOINT ["/bin/sh", "-c"]
        CMD ["cat /opt/assets/message.txt; /usr/local/bin/tool; /opt/busybox-copy uname -m"]
        """
        .formatted(base);
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** Writes {@code text} as the resolved Dockerfile of {@code service} and builds it. */
  private static BuildResult build(
      String service, String text, Platform platform, String tag, Map<String, String> args)
      throws IOException {
    Path context = project.resolve(service);
    String name = "Dockerfile." + tag;
    Files.writeString(context.resolve(name), text);
    BuildRequest request =
        new BuildRequest(
            service,
            platform,
            context,
            name,
            args,
            null,
            new ImageTarget(registry.host(), FLEET + "/" + service, tag),
            registry.credentials(),
            CREATED);
    List<String> log = new CopyOnWriteArrayList<>();
    return engine.build(request, log::add);
  }

  private static String pinnedBase(Platform platform) {
    return client.resolve(registry.host() + "/" + BASE + ":1.0", platform);
  }

  private static BuildResult buildService(String service, Platform platform, String tag)
      throws IOException {
    String base = pinnedBase(platform);
    String text = service.equals("web") ? webDockerfile(base) : workerDockerfile(base);
    return build(service, text, platform, tag, Map.of("GREETING", "hi"));
  }

  private static Manifest buildIndex(String service, String tag) throws IOException {
    List<Descriptor> manifests = new ArrayList<>();
    for (Platform platform : PLATFORMS) {
      BuildResult result = buildService(service, platform, tag + "-" + platform.slug());
      manifests.add(new Descriptor(result.mediaType(), result.digest(), result.size(), platform));
    }
    return new IndexWriter(client).write(FLEET + "/" + service, tag, manifests, "c0ffee", CREATED);
  }

  private static JsonNode json(byte[] bytes) {
    return JsonMapper.builder().build().readTree(bytes);
  }

  private static JsonNode config(String repository, String manifestDigest) {
    JsonNode manifest = json(client.getManifest(repository, manifestDigest).bytes());
    return json(client.readBlob(repository, manifest.path("config").path("digest").asString()));
  }

  /** Returns the entry {@code name} of the manifest's top layer. */
  private static TarArchiveEntry lastLayerEntry(String service, String manifestDigest, String name)
      throws IOException {
    String repository = FLEET + "/" + service;
    JsonNode layers = json(client.getManifest(repository, manifestDigest).bytes()).path("layers");
    String digest = layers.get(layers.size() - 1).path("digest").asString();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(client.openBlob(repository, digest)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (entry.getName().equals(name)) {
          return entry;
        }
      }
    }
    throw new AssertionError("No entry " + name + " in layer " + digest);
  }

  /** Lists the entry names of the manifest's top layer. */
  private static List<String> lastLayerEntries(String service, String manifestDigest)
      throws IOException {
    String repository = FLEET + "/" + service;
    JsonNode layers = json(client.getManifest(repository, manifestDigest).bytes()).path("layers");
    String digest = layers.get(layers.size() - 1).path("digest").asString();
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(client.openBlob(repository, digest)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        names.add(entry.getName());
      }
    }
    return names;
  }

  private static byte[] tarGz(String name, String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry entry = new TarArchiveEntry(name);
      entry.setSize(data.length);
      entry.setMode(0644);
      tar.putArchiveEntry(entry);
      tar.write(data);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  /** Runs a command with the test's own Docker client configuration and returns its output. */
  private static String run(String... command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("DOCKER_CONFIG", dockerConfig.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  /** Pulls {@code image} for {@code platform} and runs it with its own command. */
  private static String pullAndRun(String image, Platform platform) throws Exception {
    run(
        "docker",
        "login",
        registry.host(),
        "--username",
        registry.credentials().username(),
        "--password",
        registry.credentials().password());
    run("docker", "pull", "--platform", platform.toString(), image);
    // By id: the next pull of the tag for another platform leaves this image untagged.
    createdImages.add(run("docker", "image", "inspect", "--format", "{{.Id}}", image).strip());
    return run(
        "docker",
        "run",
        "--rm",
        "--network",
        "host",
        "--pull",
        "never",
        "--platform",
        platform.toString(),
        image);
  }

  // --- tests -------------------------------------------------------------------------------------

  @Test
  void indexHasBothPlatforms() throws Exception {
    Manifest index = buildIndex("web", "jib-1.0");

    JsonNode entries = json(index.bytes()).path("manifests");
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).path("platform").path("architecture").asString()).isEqualTo("amd64");
    assertThat(entries.get(1).path("platform").path("architecture").asString()).isEqualTo("arm64");
  }

  @Test
  void configsRecordTheirArchitecture() throws Exception {
    Manifest index = buildIndex("worker", "jib-1.0");

    for (JsonNode entry : json(index.bytes()).path("manifests")) {
      String architecture = entry.path("platform").path("architecture").asString();
      JsonNode config = config(FLEET + "/worker", entry.path("digest").asString());
      assertThat(config.path("architecture").asString()).isEqualTo(architecture);
      assertThat(config.path("os").asString()).isEqualTo("linux");
    }
  }

  @Test
  void webConfigCarriesTheDockerfileSettings() throws Exception {
    BuildResult result = buildService("web", Platform.LINUX_ARM64, "jib-config-linux-arm64");

    JsonNode config = config(FLEET + "/web", result.digest()).path("config");
    assertThat(config.path("Env").toString()).contains("GREETING=hi");
    assertThat(config.path("Env").toString()).contains("PATH=/usr/local/sbin");
    assertThat(config.path("Labels").path("org.example.team").asString()).isEqualTo("edge devices");
    assertThat(config.path("WorkingDir").asString()).isEqualTo("/app");
    assertThat(config.path("User").asString()).isEqualTo("1000:1000");
    assertThat(config.path("ExposedPorts").has("9000/udp")).isTrue();
    assertThat(config.path("Volumes").has("/data")).isTrue();
    assertThat(config.path("Cmd").toString()).isEqualTo("[\"/app/run.sh\"]");
    assertThat(
            json(client.getManifest(FLEET + "/web", result.digest()).bytes())
                .path("mediaType")
                .asString())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
  }

  @Test
  void sameSourceGivesSameDigest() throws Exception {
    BuildResult first = buildService("web", Platform.LINUX_AMD64, "jib-same-a");
    int uploadsBefore = registry.blobUploads();

    BuildResult second = buildService("web", Platform.LINUX_AMD64, "jib-same-b");

    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(registry.blobUploads()).isEqualTo(uploadsBefore);
  }

  @Test
  void creationTimeIsTheRequestsTime() throws Exception {
    BuildResult result = buildService("worker", Platform.LINUX_AMD64, "jib-created");

    assertThat(config(FLEET + "/worker", result.digest()).path("created").asString())
        .isEqualTo("2026-03-04T05:06:07Z");
  }

  @Test
  void webRunsOnBothPlatforms() throws Exception {
    buildIndex("web", "jib-run");
    String image = registry.host() + "/" + FLEET + "/web:jib-run";

    String amd64 = pullAndRun(image, Platform.LINUX_AMD64);
    String arm64 = pullAndRun(image, Platform.LINUX_ARM64);

    assertThat(amd64).contains("hi from web on x86_64").contains("unpacked by ADD");
    assertThat(arm64).contains("hi from web on aarch64").contains("unpacked by ADD");
  }

  @Test
  void workerCopiesFromStagesOnBothPlatforms() throws Exception {
    buildIndex("worker", "jib-run");
    String image = registry.host() + "/" + FLEET + "/worker:jib-run";

    String amd64 = pullAndRun(image, Platform.LINUX_AMD64);
    String arm64 = pullAndRun(image, Platform.LINUX_ARM64);

    assertThat(amd64).contains("worker asset").contains("tool ran").contains("x86_64");
    assertThat(arm64).contains("worker asset").contains("tool ran").contains("aarch64");
  }

  @Test
  void unameMatchesThePlatform() throws Exception {
    buildIndex("worker", "jib-uname");
    String image = registry.host() + "/" + FLEET + "/worker:jib-uname";
    pullAndRun(image, Platform.LINUX_ARM64);

    String output =
        run(
            "docker",
            "run",
            "--rm",
            "--network",
            "host",
            "--pull",
            "never",
            "--platform",
            "linux/arm64",
            "--entrypoint",
            "uname",
            image,
            "-m");

    assertThat(output.strip()).isEqualTo("aarch64");
  }

  @Test
  void concurrentBuildsMatchSequentialOnes() throws Exception {
    BuildResult amd64 = buildService("worker", Platform.LINUX_AMD64, "jib-seq-amd64");
    BuildResult arm64 = buildService("worker", Platform.LINUX_ARM64, "jib-seq-arm64");
    String amd64Base = pinnedBase(Platform.LINUX_AMD64);
    String arm64Base = pinnedBase(Platform.LINUX_ARM64);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<BuildResult> parallelAmd64 =
          pool.submit(
              () ->
                  build(
                      "worker",
                      workerDockerfile(amd64Base),
                      Platform.LINUX_AMD64,
                      "jib-par-amd64",
                      Map.of()));
      Future<BuildResult> parallelArm64 =
          pool.submit(
              () ->
                  build(
                      "worker",
                      workerDockerfile(arm64Base),
                      Platform.LINUX_ARM64,
                      "jib-par-arm64",
                      Map.of()));

      assertThat(parallelAmd64.get().digest()).isEqualTo(amd64.digest());
      assertThat(parallelArm64.get().digest()).isEqualTo(arm64.digest());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void fileCopiedToABaseDirectoryLandsInside() throws Exception {
    String text = "FROM " + pinnedBase(Platform.LINUX_AMD64) + "\nCOPY tool.sh /bin\n";

    BuildResult result = build("worker", text, Platform.LINUX_AMD64, "jib-into-bin", Map.of());

    assertThat(lastLayerEntries("worker", result.digest())).contains("bin/tool.sh");
  }

  @Test
  void targetBuildsTheNamedStage() throws Exception {
    Path context = project.resolve("worker");
    Files.writeString(
        context.resolve("Dockerfile.target"), workerDockerfile(pinnedBase(Platform.LINUX_ARM64)));
    BuildRequest request =
        new BuildRequest(
            "worker",
            Platform.LINUX_ARM64,
            context,
            "Dockerfile.target",
            Map.of(),
            "tools",
            new ImageTarget(registry.host(), FLEET + "/worker", "jib-target"),
            registry.credentials(),
            CREATED);

    BuildResult result = engine.build(request, line -> {});

    assertThat(lastLayerEntries("worker", result.digest())).contains("usr/local/bin/tool");
    assertThat(config(FLEET + "/worker", result.digest()).path("config").has("Entrypoint"))
        .isFalse();
  }

  @Test
  void baseOfAnotherPlatformIsRejected() throws Exception {
    String text = "FROM " + pinnedBase(Platform.LINUX_AMD64) + "\nCOPY tool.sh /\n";

    assertThatThrownBy(() -> build("worker", text, Platform.LINUX_ARM64, "jib-wrong-pin", Map.of()))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("is built for linux/amd64, but this build is for linux/arm64");
  }

  @Test
  void copyParentsIsRejected() throws Exception {
    String text = "FROM scratch\nCOPY --parents assets/ /\n";

    assertThatThrownBy(() -> build("worker", text, Platform.LINUX_AMD64, "jib-parents", Map.of()))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("--parents is not supported by the Jib engine");
  }

  @Test
  void wildcardMatchesGoIntoTheDestination() throws Exception {
    String text = "FROM scratch\nCOPY assets/*.txt tool.s? /opt/files\n";

    BuildResult result = build("worker", text, Platform.LINUX_AMD64, "jib-wild", Map.of());

    assertThat(lastLayerEntries("worker", result.digest()))
        .contains("opt/files/message.txt", "opt/files/tool.sh");
  }

  @Test
  void addKeepsTheArchivesOwners() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry entry = new TarArchiveEntry("owned.txt");
      entry.setSize(2);
      entry.setIds(1000, 1001);
      tar.putArchiveEntry(entry);
      tar.write("x\n".getBytes(StandardCharsets.UTF_8));
      tar.closeArchiveEntry();
    }
    Files.write(project.resolve("worker/owned.tar"), bytes.toByteArray());
    String text = "FROM scratch\nADD owned.tar /srv/\n";

    BuildResult result = build("worker", text, Platform.LINUX_AMD64, "jib-owned", Map.of());

    TarArchiveEntry owned = lastLayerEntry("worker", result.digest(), "srv/owned.txt");
    assertThat(owned.getLongUserId()).isEqualTo(1000);
    assertThat(owned.getLongGroupId()).isEqualTo(1001);
  }

  @Test
  void entrypointDropsTheBaseCommand() throws Exception {
    String text = "FROM " + pinnedBase(Platform.LINUX_AMD64) + "\nENTRYPOINT [\"/bin/echo\"]\n";

    BuildResult result = build("worker", text, Platform.LINUX_AMD64, "jib-entrypoint", Map.of());

    JsonNode config = config(FLEET + "/worker", result.digest()).path("config");
    assertThat(config.path("Entrypoint").toString()).isEqualTo("[\"/bin/echo\"]");
    assertThat(config.path("Cmd").isMissingNode() || config.path("Cmd").isNull()).isTrue();
  }

  @Test
  void changedContentWithTheSameTimeIsRebuilt() throws Exception {
    Path file = project.resolve("worker/fixed-time.txt");
    FileTime fixed = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    String text = "FROM scratch\nCOPY fixed-time.txt /\n";
    Files.writeString(file, "first\n");
    Files.setLastModifiedTime(file, fixed);
    BuildResult first = build("worker", text, Platform.LINUX_AMD64, "jib-time-a", Map.of());

    Files.writeString(file, "other\n");
    Files.setLastModifiedTime(file, fixed);
    BuildResult second = build("worker", text, Platform.LINUX_AMD64, "jib-time-b", Map.of());

    assertThat(second.digest()).isNotEqualTo(first.digest());
  }

  @Test
  void runFailsWithFileAndLine() throws Exception {
    String text = "FROM " + pinnedBase(Platform.LINUX_AMD64) + "\nCOPY tool.sh /\nRUN echo hi\n";

    assertThatThrownBy(() -> build("worker", text, Platform.LINUX_AMD64, "jib-run-error", Map.of()))
        .isInstanceOfSatisfying(
            BuildInputException.class,
            e -> {
              assertThat(e.line()).isEqualTo(3);
              assertThat(e.reason()).isEqualTo(JibEngine.RUN_NEEDS_RUNTIME);
            });
  }

  @Test
  void chownByNameIsRejected() throws Exception {
    String text = "FROM scratch\nCOPY --chown=app:app tool.sh /\n";

    assertThatThrownBy(() -> build("worker", text, Platform.LINUX_AMD64, "jib-chown", Map.of()))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("numeric ids only");
  }

  @Test
  void addFromUrlIsRejected() throws Exception {
    String text = "FROM scratch\nADD https://example.com/file.txt /\n";

    assertThatThrownBy(() -> build("worker", text, Platform.LINUX_AMD64, "jib-url", Map.of()))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("Dockerfile.jib-url:2")
        .hasMessageContaining("put the file in the build context");
  }

  @Test
  void missingSourceNamesIt() throws Exception {
    String text = "FROM scratch\nCOPY nothing.txt /\n";

    assertThatThrownBy(() -> build("worker", text, Platform.LINUX_AMD64, "jib-missing", Map.of()))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("nothing.txt was not found in the build context");
  }

  @Test
  void baseWithoutThePlatformIsAnInputError() throws Exception {
    String text = "FROM " + registry.host() + "/" + BASE + ":1.0\nCOPY tool.sh /\n";

    assertThatThrownBy(() -> build("worker", text, Platform.LINUX_ARM_V7, "jib-v7", Map.of()))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("does not exist for platform linux/arm/v7");
  }
}
