package io.slipway.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.api.config.DataDirectory;
import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.registry.Registry;
import io.slipway.testing.TestDatabase;
import io.slipway.testing.image.BusyboxImages;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Deploys of prebuilt images through the running server and its real registry: images pushed with
 * {@link BusyboxImages} and with real {@code skopeo copy}, deployed by tag, by services, from
 * another repository of the organization and through a mirror whose upstream is a second server;
 * and every check that refuses a deploy before anything exists. Subclasses pick the database of the
 * server under test; the upstream server always runs on H2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DeploymentContract {

  private static final String SKOPEO = "/usr/bin/skopeo";
  private static final String MIRROR_ORG = "mirrorco";

  @TempDir static Path dataDirectory;
  @TempDir static Path upstreamDirectory;
  @TempDir static Path scratch;

  private ReleaseWorld upstream;
  private ReleaseWorld world;
  private ServerRegistryAccess access;
  private String upstreamImage;
  private long mirrorOrganization;

  /** Returns a fresh database for the server under test. */
  abstract TestDatabase database();

  @BeforeAll
  void startServers() {
    upstream = ReleaseWorld.start(TestDatabase.h2(), upstreamDirectory);
    TestFleet source = upstream.newFleet();
    ServerRegistryAccess upstreamAccess = upstream.context().getBean(ServerRegistryAccess.class);
    String repository = source.org() + "/" + source.slug() + "/base";
    BusyboxImages.push(
        upstreamAccess.registry(),
        repository,
        "1.0",
        "developer-" + source.slug(),
        source.developer());
    upstreamImage = upstreamAccess.registry() + "/" + repository + ":1.0";

    world =
        ReleaseWorld.start(
            database(),
            dataDirectory,
            "--spring.main.sources=" + RecordingHook.class.getName(),
            "--slipway.registry.mirrors[0].prefix=" + MIRROR_ORG + "/upstream",
            "--slipway.registry.mirrors[0].upstream=http://" + upstreamAccess.registry(),
            "--slipway.registry.mirrors[0].username=developer-" + source.slug(),
            "--slipway.registry.mirrors[0].password=" + source.developer());
    access = world.context().getBean(ServerRegistryAccess.class);
    mirrorOrganization = world.organization(MIRROR_ORG);
  }

  @AfterAll
  void stopServers() {
    if (world != null) {
      world.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void tagDeploysEveryRepositoryHoldingIt() {
    TestFleet fleet = twoPlatformFleet();
    BusyboxImages.Pushed pushed = pushBusybox(fleet, repository(fleet, "web"), "1.0");
    pushBusybox(fleet, repository(fleet, "worker"), "1.0");

    HttpResponse<String> response =
        deploy(fleet, "{\"tag\":\"1.0\",\"version\":\"1.0.0\",\"commit\":\"0123abcd\"}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode release = ReleaseWorld.json(response);
    assertThat(release.path("status").asString()).as(logsOf(fleet, release)).isEqualTo("SUCCESS");
    assertThat(release.path("source").asString()).isEqualTo("PREBUILT");
    assertThat(release.path("version").asString()).isEqualTo("1.0.0");
    assertThat(release.path("commit").asString()).isEqualTo("0123abcd");
    assertThat(response.headers().firstValue("Location"))
        .hasValue("/api/v1/releases/" + release.path("id").asLong());
    assertThat(release.path("services").propertyNames()).containsExactly("web", "worker");
    String image = release.path("services").path("web").path("image").asString();
    assertThat(image).startsWith(access.imageHost() + "/" + repository(fleet, "web") + "@sha256:");
    String index = image.substring(image.indexOf('@') + 1);
    assertThat(tagged(fleet, repository(fleet, "web"), "1.0.0")).isEqualTo(index);
    assertThat(platformsOf(fleet, repository(fleet, "web"), index))
        .containsExactlyInAnyOrderElementsOf(pushed.manifests().keySet());
    assertThat(auditCount("release.deployed", release.path("id").asLong())).isOne();
    assertThat(RecordingHook.SEEN).contains(repository(fleet, "web") + "@" + index);
    assertThat(logsOf(fleet, release)).contains("Recording hook saw 2 services");
  }

  @Test
  void failingHookFinishesTheReleaseFailed() {
    TestFleet fleet = world.newFleet();
    pushBusybox(fleet, repository(fleet, RecordingHook.FAILING_SERVICE), "1.0");

    HttpResponse<String> response = deploy(fleet, "{\"tag\":\"1.0\"}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode release = ReleaseWorld.json(response);
    assertThat(release.path("status").asString()).isEqualTo("FAILED");
    assertThat(logsOf(fleet, release)).contains("RecordingHook failed").contains("not allowed");
  }

  @Test
  void skopeoDockerImageDeploysByService() throws Exception {
    TestFleet fleet = twoPlatformFleet();
    Path layout = scratch.resolve("skopeo-" + UUID.randomUUID());
    OciLayout.write(layout, "2.0", List.of("linux/amd64", "linux/arm64"), fleet.slug());
    String target = access.registry() + "/" + repository(fleet, "api") + ":2.0";
    skopeoCopy(fleet, "oci:" + layout + ":2.0", "docker://" + target, "--format", "v2s2");
    assertThat(client(fleet).getManifest(repository(fleet, "api"), "2.0").mediaType())
        .isEqualTo("application/vnd.docker.distribution.manifest.list.v2+json");

    HttpResponse<String> response =
        deploy(
            fleet,
            "{\"services\":{\"api\":{\"image\":\""
                + target
                + "\",\"environment\":{\"MODE\":\"edge\"},\"labels\":{\"tier\":\"front\"},"
                + "\"configuration\":{\"privileged\":true}}}}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode api = ReleaseWorld.json(response).path("services").path("api");
    assertThat(ReleaseWorld.json(response).path("status").asString()).isEqualTo("SUCCESS");
    assertThat(api.path("environment").path("MODE").asString()).isEqualTo("edge");
    assertThat(api.path("labels").path("tier").asString()).isEqualTo("front");
    assertThat(api.path("configuration").path("privileged").asBoolean()).isTrue();
    assertThat(ReleaseWorld.json(response).path("version").asString()).isEqualTo("0.0.1");
  }

  @Test
  void otherRepositoryImageIsMounted() throws IOException {
    TestFleet fleet = world.newFleet();
    Path layout = scratch.resolve("shared-" + UUID.randomUUID());
    OciLayout.write(layout, "3.1", List.of("linux/amd64"), fleet.slug());
    String source = access.registry() + "/" + fleet.org() + "/base/tools:3.1";
    skopeoCopy(fleet, "oci:" + layout + ":3.1", "docker://" + source);
    String layer = storedLayer(fleet, fleet.org() + "/base/tools", "3.1");
    Path stored = storedBlob(layer);
    FileTime before = Files.getLastModifiedTime(stored);

    HttpResponse<String> response =
        deploy(fleet, "{\"services\":{\"tools\":{\"image\":\"" + source + "\"}}}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(ReleaseWorld.json(response).path("status").asString()).isEqualTo("SUCCESS");
    assertThat(linkedRepositories(layer))
        .containsExactlyInAnyOrder(fleet.org() + "/base/tools", repository(fleet, "tools"));
    assertThat(storedBlobs(layer)).hasSize(1);
    assertThat(Files.getLastModifiedTime(stored)).isEqualTo(before);
  }

  @Test
  void mirroredImageIsFetchedThroughTheMirror() {
    String slug = "devices" + UUID.randomUUID().toString().substring(0, 8);
    world.fleet(mirrorOrganization, slug);
    String developer = world.member(mirrorOrganization, "developer-" + slug, Role.DEVELOPER);
    TestFleet fleet = new TestFleet(MIRROR_ORG, slug, mirrorOrganization, 0, developer);

    HttpResponse<String> response =
        deploy(fleet, "{\"services\":{\"base\":{\"image\":\"" + upstreamImage + "\"}}}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode release = ReleaseWorld.json(response);
    assertThat(release.path("status").asString()).as(logsOf(fleet, release)).isEqualTo("SUCCESS");
    assertThat(release.path("services").path("base").path("image").asString())
        .startsWith(access.imageHost() + "/" + MIRROR_ORG + "/" + slug + "/base@sha256:");
  }

  @Test
  void missingImageCreatesNothing() {
    TestFleet fleet = world.newFleet();
    String image = access.registry() + "/" + repository(fleet, "web") + ":absent";

    HttpResponse<String> response =
        deploy(fleet, "{\"services\":{\"web\":{\"image\":\"" + image + "\"}}}");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("IMAGE_NOT_FOUND").contains(image);
    assertNothingCreated(fleet);
  }

  @Test
  void hostHeaderOfOtherRegistryIsNotOwnHost() {
    ReferenceResolver resolver = world.context().getBean(ReferenceResolver.class);

    ReferenceMapper mapper = resolver.mapper("ghcr.io");

    assertThat(mapper.map(SourceReference.parse("ghcr.io/acme/sensors/web:1"))).isEmpty();
  }

  @Test
  void takenVersionFailsBeforeImageChecks() {
    TestFleet fleet = world.newFleet();
    HttpResponse<String> first =
        world.call(
            "POST",
            "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug() + "/releases",
            "{\"version\":\"2.0.0\"}",
            fleet.developer());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    String image = access.registry() + "/" + repository(fleet, "web") + ":absent";

    HttpResponse<String> response =
        deploy(
            fleet, "{\"version\":\"2.0.0\",\"services\":{\"web\":{\"image\":\"" + image + "\"}}}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
    assertThat(response.body()).contains("VERSION_TAKEN").contains("2.0.0");
  }

  @Test
  void tagThatNoRepositoryHoldsIsNotFound() {
    TestFleet fleet = world.newFleet();

    HttpResponse<String> response = deploy(fleet, "{\"tag\":\"never-pushed\"}");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("IMAGE_NOT_FOUND").contains("never-pushed");
    assertNothingCreated(fleet);
  }

  @Test
  void missingPlatformIsNamed() {
    TestFleet fleet = twoPlatformFleet();
    Path layout = scratch.resolve("amd64-" + UUID.randomUUID());
    OciLayout.write(layout, "1.0", List.of("linux/amd64"), fleet.slug());
    String image = access.registry() + "/" + repository(fleet, "web") + ":1.0";
    skopeoCopy(fleet, "oci:" + layout + ":1.0", "docker://" + image);

    HttpResponse<String> response =
        deploy(fleet, "{\"services\":{\"web\":{\"image\":\"" + image + "\"}}}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.body())
        .contains("IMAGE_PLATFORM_MISSING")
        .contains("linux/arm64")
        .contains("generic-aarch64");
    assertNothingCreated(fleet);
  }

  @Test
  void indexEntryContradictingItsConfigIsRejected() {
    TestFleet fleet = twoPlatformFleet();
    Path layout = scratch.resolve("mislabelled-" + UUID.randomUUID());
    Map<String, String> offeredToStated = new LinkedHashMap<>();
    offeredToStated.put("linux/amd64", "linux/amd64");
    offeredToStated.put("linux/arm64", "linux/amd64");
    OciLayout.write(layout, "1.0", offeredToStated, fleet.slug());
    String image = access.registry() + "/" + repository(fleet, "web") + ":1.0";
    skopeoCopy(fleet, "oci:" + layout + ":1.0", "docker://" + image);
    String arm64Manifest = manifestFor(fleet, repository(fleet, "web"), "1.0", "arm64");

    HttpResponse<String> response =
        deploy(fleet, "{\"services\":{\"web\":{\"image\":\"" + image + "\"}}}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.body())
        .contains("IMAGE_PLATFORM_MISSING")
        .contains("'web'")
        .contains(arm64Manifest)
        .contains("offers manifest " + arm64Manifest + " for linux/arm64")
        .contains("states linux/amd64");
    assertNothingCreated(fleet);
  }

  @Test
  void corruptLayerIsNamedByDigest() throws IOException {
    TestFleet fleet = world.newFleet();
    Path layout = scratch.resolve("corrupt-" + UUID.randomUUID());
    String image = access.registry() + "/" + repository(fleet, "web") + ":1.0";
    String layer = pushWithDamagedLayer(fleet, layout, image);

    HttpResponse<String> response =
        deploy(fleet, "{\"services\":{\"web\":{\"image\":\"" + image + "\"}}}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.body()).contains("IMAGE_CORRUPT").contains(layer);
    assertThat(response.body()).contains(storageKey(layer)).contains("administrator");
    assertNothingCreated(fleet);
  }

  @Test
  void damagedBlobDeploysAfterRemovalAndPushAgain() throws IOException {
    TestFleet fleet = world.newFleet();
    Path layout = scratch.resolve("repair-" + UUID.randomUUID());
    String image = access.registry() + "/" + repository(fleet, "web") + ":1.0";
    String layer = pushWithDamagedLayer(fleet, layout, image);
    Path stored = storedBlob(layer);
    String json = "{\"services\":{\"web\":{\"image\":\"" + image + "\"}}}";
    HttpResponse<String> damaged = deploy(fleet, json);
    assertThat(damaged.statusCode()).as(damaged.body()).isEqualTo(422);
    assertThat(stored.toString().replace('\\', '/')).endsWith(storageKey(layer));

    Files.delete(stored);
    skopeoCopy(fleet, "oci:" + layout + ":1.0", "docker://" + image);
    HttpResponse<String> repaired = deploy(fleet, json);

    assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(201);
    assertThat(ReleaseWorld.json(repaired).path("status").asString()).isEqualTo("SUCCESS");
  }

  @Test
  void unservedRegistryIsRejected() {
    TestFleet fleet = world.newFleet();

    HttpResponse<String> response =
        deploy(fleet, "{\"services\":{\"web\":{\"image\":\"ghcr.io/acme/web:1.0\"}}}");

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body())
        .contains("IMAGE_REGISTRY_NOT_SERVED")
        .contains("ghcr.io/acme/web:1.0")
        .contains("skopeo copy");
    assertNothingCreated(fleet);
  }

  @Test
  void callerWithoutPullIsRejected() {
    TestFleet owner = world.newFleet();
    pushBusybox(owner, repository(owner, "web"), "1.0");
    TestFleet stranger = world.newFleet();
    String image = access.registry() + "/" + repository(owner, "web") + ":1.0";

    HttpResponse<String> response =
        deploy(stranger, "{\"services\":{\"web\":{\"image\":\"" + image + "\"}}}");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("FORBIDDEN").contains(repository(owner, "web"));
    assertNothingCreated(stranger);
  }

  @Test
  void viewerMayNotDeploy() {
    TestFleet fleet = world.newFleet();
    pushBusybox(fleet, repository(fleet, "web"), "1.0");
    String viewer = fleet.member(world, Role.VIEWER);

    HttpResponse<String> response =
        world.call(
            "POST",
            "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug() + "/deployments",
            "{\"tag\":\"1.0\"}",
            viewer);

    assertThat(response.statusCode()).isEqualTo(403);
    assertNothingCreated(fleet);
  }

  @Test
  void invalidServiceSettingIsRejected() {
    TestFleet fleet = world.newFleet();
    pushBusybox(fleet, repository(fleet, "web"), "1.0");

    HttpResponse<String> response =
        deploy(fleet, "{\"tag\":\"1.0\",\"services\":{\"web\":{\"environment\":{\"\":\"x\"}}}}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_SERVICE").contains("web");
    assertNothingCreated(fleet);
  }

  @Test
  void requestWithoutImagesIsRejected() {
    TestFleet fleet = world.newFleet();

    HttpResponse<String> response = deploy(fleet, "{\"version\":\"1.0.0\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_REQUEST_BODY");
  }

  private TestFleet twoPlatformFleet() {
    TestFleet fleet = world.newFleet();
    String owner = fleet.member(world, Role.OWNER);
    HttpResponse<String> patched =
        world.call(
            "PATCH",
            "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug(),
            "{\"deviceTypes\":[\"generic-amd64\",\"generic-aarch64\"]}",
            owner);
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    return fleet;
  }

  private BusyboxImages.Pushed pushBusybox(TestFleet fleet, String repository, String tag) {
    return BusyboxImages.push(
        access.registry(), repository, tag, "developer-" + fleet.slug(), fleet.developer());
  }

  private HttpResponse<String> deploy(TestFleet fleet, String json) {
    return world.call(
        "POST",
        "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug() + "/deployments",
        json,
        fleet.developer());
  }

  private void skopeoCopy(TestFleet fleet, String source, String destination, String... options) {
    List<String> command = new ArrayList<>(List.of(SKOPEO, "--insecure-policy", "copy", "--all"));
    command.addAll(List.of(options));
    command.addAll(
        List.of(
            "--dest-tls-verify=false",
            "--dest-creds",
            "developer-" + fleet.slug() + ":" + fleet.developer(),
            source,
            destination));
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(scratch.resolve("skopeo.log").toFile())
              .start();
      boolean done = process.waitFor(2, TimeUnit.MINUTES);
      String output = Files.readString(scratch.resolve("skopeo.log"));
      assertThat(done).as("skopeo copy finished: " + output).isTrue();
      assertThat(process.exitValue()).as("skopeo copy: " + output).isZero();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void assertNothingCreated(TestFleet fleet) {
    HttpResponse<String> releases =
        world.call(
            "GET",
            "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug() + "/releases",
            null,
            fleet.developer());
    assertThat(ReleaseWorld.json(releases).size()).as("releases").isZero();
    Registry registry = world.context().getBean(Registry.class);
    assertThat(registry.repositoriesWithTag(fleet.org() + "/" + fleet.slug(), "0.0.1"))
        .as("repositories tagged with a release version")
        .isEmpty();
  }

  private String tagged(TestFleet fleet, String repository, String tag) {
    return client(fleet).headManifest(repository, tag).orElseThrow().digest();
  }

  private List<String> platformsOf(TestFleet fleet, String repository, String index) {
    JsonNode document =
        tools.jackson.databind.json.JsonMapper.builder()
            .build()
            .readTree(client(fleet).getManifest(repository, index).bytes());
    List<String> platforms = new ArrayList<>();
    for (JsonNode entry : document.path("manifests")) {
      JsonNode platform = entry.path("platform");
      platforms.add(
          platform.path("os").asString() + "/" + platform.path("architecture").asString());
    }
    return platforms;
  }

  /**
   * Pushes a one-platform image from a new layout at {@code layout} to {@code image}, then flips a
   * bit of its stored layer; returns the layer's digest.
   */
  private String pushWithDamagedLayer(TestFleet fleet, Path layout, String image)
      throws IOException {
    OciLayout.write(layout, "1.0", List.of("linux/amd64"), fleet.slug());
    skopeoCopy(fleet, "oci:" + layout + ":1.0", "docker://" + image);
    String layer = storedLayer(fleet, repository(fleet, "web"), "1.0");
    Path stored = storedBlob(layer);
    byte[] content = Files.readAllBytes(stored);
    content[content.length / 3] ^= 0x20;
    Files.write(stored, content);
    return layer;
  }

  /** Returns the digest of the manifest that the index {@code tag} offers for {@code arch}. */
  private String manifestFor(TestFleet fleet, String repository, String tag, String arch) {
    ImageDocument index = ImageDocument.parse(client(fleet).getManifest(repository, tag));
    return index.entries().stream()
        .filter(entry -> entry.platform().architecture().equals(arch))
        .findFirst()
        .orElseThrow()
        .digest();
  }

  /** Returns the key of {@code digest} in the server's blob storage. */
  private static String storageKey(String digest) {
    String hex = digest.substring("sha256:".length());
    return "blobs/sha256/" + hex.substring(0, 2) + "/" + hex;
  }

  /** Returns the digest of the first layer of the first manifest of an index, as stored. */
  private String storedLayer(TestFleet fleet, String repository, String tag) {
    RegistryClient client = client(fleet);
    ImageDocument index = ImageDocument.parse(client.getManifest(repository, tag));
    String manifest = index.entries().get(0).digest();
    return ImageDocument.parse(client.getManifest(repository, manifest)).layers().get(0).digest();
  }

  private RegistryClient client(TestFleet fleet) {
    RegistryCredentials credentials =
        new RegistryCredentials("developer-" + fleet.slug(), fleet.developer());
    return new RegistryClient(access.registry(), credentials, Duration.ofSeconds(30));
  }

  private String logsOf(TestFleet fleet, JsonNode release) {
    return world.logs(release.path("id").asLong(), fleet.developer());
  }

  private long auditCount(String action, long releaseId) {
    return world.auditCount(action, releaseId);
  }

  private List<String> linkedRepositories(String digest) {
    return world
        .jdbc()
        .sql("SELECT repository FROM registry_blob_link WHERE digest = ?")
        .param(digest)
        .query(String.class)
        .list();
  }

  private Path storedBlob(String digest) throws IOException {
    List<Path> found = storedBlobs(digest);
    assertThat(found).as("stored files of " + digest).hasSize(1);
    return found.get(0);
  }

  private List<Path> storedBlobs(String digest) throws IOException {
    String hex = digest.substring("sha256:".length());
    Path root = world.context().getBean(DataDirectory.class).blobs();
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(path -> path.getFileName().toString().equals(hex)).toList();
    }
  }

  private static String repository(TestFleet fleet, String service) {
    return fleet.org() + "/" + fleet.slug() + "/" + service;
  }
}
