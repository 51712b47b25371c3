package io.slipway.api.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.testing.TestDatabase;
import io.slipway.testing.image.BusyboxImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The real {@code git} client pushing to and fetching from a running server over smart HTTP, with
 * real Jib builds of the pushed commits. Every git command runs with an empty home directory and
 * terminal prompts off, so the user's own git configuration never takes part.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitPushIT {

  @TempDir static Path dataDirectory;
  @TempDir static Path work;

  private ReleaseWorld world;
  private ServerRegistryAccess registry;
  private Path home;
  private int repositories;

  /** Returns the database the server runs on; a subclass runs the same tests on another. */
  TestDatabase database() {
    return TestDatabase.h2();
  }

  @BeforeAll
  void startServer() throws IOException {
    world = ReleaseWorld.start(database(), dataDirectory, "--slipway.builder.engine=jib");
    registry = world.context().getBean(ServerRegistryAccess.class);
    home = Files.createDirectories(work.resolve("home"));
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @Test
  void pushToDeployBranchBuildsMultiArchRelease() throws IOException {
    TestFleet fleet = fleetWithBase();
    patchFleet(fleet, "{\"deviceTypes\":[\"generic-amd64\",\"generic-aarch64\"]}");
    Path repository = repository(fleet, "COPY hello.txt /hello.txt\n");

    GitClient.Result push =
        git(
            repository,
            "push",
            "-o",
            "version=1.4.0",
            "-o",
            "engine=jib",
            "-o",
            "nocache",
            remote(fleet),
            "HEAD:main");

    assertThat(push.exit()).as(push.output()).isZero();
    long release = releaseIds(fleet).get(0);
    assertThat(push.output())
        .contains("remote: Building commit " + head(repository).substring(0, 12))
        .contains("remote: main linux/amd64: started")
        .contains("remote: main linux/arm64: started")
        .contains("remote: main linux/arm64: done, pushed ")
        .contains("remote: Release " + release + " 1.4.0: SUCCESS")
        .containsPattern(
            "remote:   main: [^ ]+/"
                + fleet.org()
                + "/"
                + fleet.slug()
                + "/main@sha256:[0-9a-f]{64}");
    JsonNode view = release(fleet, release);
    assertThat(view.path("commit").asString()).isEqualTo(head(repository));
  }

  @Test
  void commitWithASuccessfulReleaseIsNotBuiltAgain() throws IOException {
    TestFleet fleet = fleetWithBase();
    Path repository = repository(fleet, "COPY hello.txt /hello.txt\n");
    GitClient.Result first = git(repository, "push", remote(fleet), "HEAD:main");
    assertThat(first.exit()).as(first.output()).isZero();
    long release = releaseIds(fleet).get(0);
    HttpResponse<String> patched = patchFleet(fleet, "{\"deployBranch\":\"release/2.x\"}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);

    GitClient.Result again = git(repository, "push", remote(fleet), "HEAD:release/2.x");

    assertThat(again.exit()).as(again.output()).isZero();
    assertThat(again.output()).contains("is already release " + release);
    assertThat(releaseIds(fleet)).hasSize(1);
  }

  @Test
  void commitClaimedByApiReleaseIsStillBuilt() throws IOException {
    TestFleet fleet = fleetWithBase();
    Path repository = repository(fleet, "COPY hello.txt /hello.txt\n");
    HttpResponse<String> claimed =
        world.call(
            "POST",
            "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug() + "/releases",
            "{\"commit\":\"" + head(repository) + "\"}",
            fleet.developer());
    assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(201);

    GitClient.Result push = git(repository, "push", remote(fleet), "HEAD:main");

    assertThat(push.exit()).as(push.output()).isZero();
    assertThat(push.output()).doesNotContain("is already release").contains(": SUCCESS");
    assertThat(releaseIds(fleet)).hasSize(2);
  }

  @Test
  void failedBuildRejectsLandedBranch() throws IOException {
    TestFleet fleet = fleetWithBase();
    // Planning passes this Dockerfile; the Jib engine fails on the port while it builds.
    Path repository = repository(fleet, "COPY hello.txt /hello.txt\nEXPOSE notaport\n");
    String broken = head(repository);

    GitClient.Result push = git(repository, "push", remote(fleet), "HEAD:main");

    assertThat(push.exit()).as(push.output()).isNotZero();
    assertThat(push.output())
        .contains("[remote rejected] HEAD -> main (build failed: release ")
        .contains("remote: main linux/amd64: FAILED; the last ")
        .contains("remote:   | Build failed: ");
    assertThat(git(repository, "ls-remote", remote(fleet), "refs/heads/main").output())
        .startsWith(broken + "\trefs/heads/main");

    Files.writeString(
        repository.resolve("Dockerfile"), dockerfile(fleet, "COPY hello.txt /hello.txt\n"));
    git(repository, "commit", "-q", "-a", "-m", "Drop the invalid port");
    GitClient.Result next = git(repository, "push", "-o", "log=full", remote(fleet), "HEAD:main");

    assertThat(next.exit()).as(next.output()).isZero();
    assertThat(next.output())
        .contains(broken.substring(0, 7) + "..")
        .doesNotContain("forced update")
        .contains("remote: [main linux/amd64] Building ")
        .containsPattern("remote: Release \\d+ [^ ]+: SUCCESS");
  }

  @Test
  void deployBranchCannotBeDeleted() throws IOException {
    TestFleet fleet = world.newFleet();
    Path repository = repository(fleet, "COPY hello.txt /h\n");
    git(repository, "push", remote(fleet), "HEAD:refs/heads/production");
    patchFleet(fleet, "{\"deployBranch\":\"production\"}");

    GitClient.Result delete = git(repository, "push", remote(fleet), ":production");

    assertThat(delete.exit()).as(delete.output()).isNotZero();
    assertThat(delete.output()).contains("cannot be deleted");
    assertThat(git(repository, "ls-remote", remote(fleet)).output())
        .contains("refs/heads/production");
  }

  @Test
  void annotatedTagOnDeployBranchIsRejected() throws IOException {
    TestFleet fleet = world.newFleet();
    Path repository = repository(fleet, "COPY hello.txt /h\n");
    git(repository, "tag", "-a", "-m", "First", "v1.0");

    GitClient.Result push = git(repository, "push", remote(fleet), "v1.0:refs/heads/main");

    assertThat(push.exit()).as(push.output()).isNotZero();
    assertThat(push.output()).contains("must point at a commit").contains("v1.0");
    assertThat(releaseIds(fleet)).isEmpty();
  }

  @Test
  void branchPointingAtBlobIsRejected() throws IOException {
    TestFleet fleet = world.newFleet();
    Path repository = repository(fleet, "COPY hello.txt /h\n");
    String blob = git(repository, "hash-object", "-w", "hello.txt").output().strip();

    GitClient.Result push = git(repository, "push", remote(fleet), blob + ":refs/heads/main");

    assertThat(push.exit()).as(push.output()).isNotZero();
    assertThat(push.output()).contains("must point at a commit");
    assertThat(git(repository, "ls-remote", remote(fleet)).output()).doesNotContain("refs/heads");
  }

  @Test
  void refOutsideBranchesAndTagsIsRejected() throws IOException {
    TestFleet fleet = world.newFleet();
    Path repository = repository(fleet, "COPY hello.txt /h\n");

    GitClient.Result push = git(repository, "push", remote(fleet), "HEAD:refs/pull/1/head");

    assertThat(push.exit()).as(push.output()).isNotZero();
    assertThat(push.output()).contains("branches (refs/heads/) and tags (refs/tags/) only");
    assertThat(git(repository, "ls-remote", remote(fleet)).output()).doesNotContain("refs/pull");
  }

  @Test
  void forcePushBuildsTheNewCommit() throws IOException {
    TestFleet fleet = fleetWithBase();
    Path repository = repository(fleet, "COPY missing.txt /m\n");
    git(repository, "push", remote(fleet), "HEAD:main");
    Files.writeString(repository.resolve("Dockerfile"), dockerfile(fleet, "COPY hello.txt /h\n"));
    git(repository, "commit", "-q", "-a", "--amend", "-m", "Build from hello.txt");

    GitClient.Result push = git(repository, "push", "--force", remote(fleet), "HEAD:main");

    assertThat(push.exit()).as(push.output()).isZero();
    assertThat(push.output()).contains("forced update").contains(": SUCCESS");
    assertThat(release(fleet, releaseIds(fleet).get(0)).path("commit").asString())
        .isEqualTo(head(repository));
  }

  @Test
  void otherBranchesAndTagsAreStoredNotBuilt() throws IOException {
    TestFleet fleet = world.newFleet();
    Path repository = repository(fleet, "COPY hello.txt /h\n");
    git(repository, "tag", "v1.0");

    GitClient.Result push =
        git(repository, "push", remote(fleet), "HEAD:refs/heads/feature", "v1.0");

    assertThat(push.exit()).as(push.output()).isZero();
    assertThat(push.output())
        .contains("remote: Stored refs/heads/feature at " + head(repository).substring(0, 12))
        .contains("remote: Stored tag v1.0");
    assertThat(git(repository, "ls-remote", remote(fleet)).output())
        .contains("refs/heads/feature")
        .contains("refs/tags/v1.0");
    assertThat(releaseIds(fleet)).isEmpty();
  }

  @Test
  void developerClonesAndFetches() throws IOException {
    TestFleet fleet = world.newFleet();
    Path repository = repository(fleet, "COPY hello.txt /h\n");
    git(repository, "push", remote(fleet), "HEAD:refs/heads/feature");

    Path clone = work.resolve("clone-" + fleet.slug());
    GitClient.Result cloned =
        git(work, "clone", "-q", "--branch", "feature", remote(fleet), clone.toString());

    assertThat(cloned.exit()).as(cloned.output()).isZero();
    assertThat(clone.resolve("hello.txt")).hasContent("hello");
    assertThat(git(clone, "fetch", "origin").exit()).isZero();
  }

  @Test
  void unknownPushOptionRejectsPush() throws IOException {
    TestFleet fleet = world.newFleet();
    Path repository = repository(fleet, "COPY hello.txt /h\n");

    GitClient.Result push =
        git(repository, "push", "-o", "colour=blue", remote(fleet), "HEAD:main");

    assertThat(push.exit()).isNotZero();
    assertThat(push.output()).contains("Unknown or invalid push option 'colour=blue'");
    assertThat(git(repository, "ls-remote", remote(fleet)).output()).isBlank();
  }

  @Test
  void buildThatCannotStartRejectsTheLandedBranch() throws IOException {
    TestFleet fleet = world.newFleet();
    Path repository = repository(fleet, "COPY hello.txt /h\n");

    GitClient.Result push =
        git(repository, "push", "-o", "engine=buildkit", remote(fleet), "HEAD:main");

    assertThat(push.exit()).isNotZero();
    assertThat(push.output())
        .contains("remote: Not built: Engine 'buildkit' is not configured")
        .contains("[remote rejected] HEAD -> main (not built: BUILD_ENGINE_UNAVAILABLE)");
    assertThat(git(repository, "ls-remote", remote(fleet), "refs/heads/main").output())
        .startsWith(head(repository));
    assertThat(releaseIds(fleet)).isEmpty();
  }

  @Test
  void missingTokenGetsBasicChallenge() throws Exception {
    TestFleet fleet = world.newFleet();
    String url = "http://127.0.0.1:" + port() + "/git/" + fleet.org() + "/" + fleet.slug() + ".git";

    GitClient.Result listing = git(work, "ls-remote", url);

    assertThat(listing.exit()).isNotZero();
    assertThat(listing.output()).contains("terminal prompts disabled");
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/info/refs?service=git-upload-pack"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue("Basic realm=\"Slipway\"");
  }

  @Test
  void viewerGets403WithAMessage() {
    TestFleet fleet = world.newFleet();
    String viewer = fleet.member(world, Role.VIEWER);

    GitClient.Result listing = git(work, "ls-remote", remote(fleet, viewer));

    assertThat(listing.exit()).isNotZero();
    assertThat(listing.output()).contains("403").contains("lacks RELEASE_CREATE");
  }

  @Test
  void deviceKeyIsRefused() {
    TestFleet fleet = world.newFleet();
    String deviceKey = world.device(fleet.id()).key();

    GitClient.Result listing = git(work, "ls-remote", remote(fleet, deviceKey));

    assertThat(listing.exit()).isNotZero();
    assertThat(listing.output()).contains("403").contains("device key may not");
  }

  @Test
  void tokenOfAnotherOrganizationFindsNoFleet() {
    TestFleet fleet = world.newFleet();
    TestFleet other = world.newFleet();

    GitClient.Result listing = git(work, "ls-remote", remote(fleet, other.developer()));

    assertThat(listing.exit()).isNotZero();
    assertThat(listing.output()).contains("does not exist");
  }

  @Test
  void dumbProtocolIsNotServed() throws Exception {
    TestFleet fleet = world.newFleet();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + port()
                                + "/git/"
                                + fleet.org()
                                + "/"
                                + fleet.slug()
                                + ".git/info/refs"))
                    .header("Authorization", "Bearer " + fleet.developer())
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(404);
  }

  private TestFleet fleetWithBase() {
    TestFleet fleet = world.newFleet();
    RegistryCredentials credentials =
        registry.credentials(fleet.org() + "/" + fleet.slug(), Duration.ofMinutes(5));
    BusyboxImages.push(
        registry.registry(),
        fleet.org() + "/" + fleet.slug() + "/busybox",
        "1.0",
        credentials.username(),
        credentials.password());
    return fleet;
  }

  /** Creates a work tree with one commit of a Dockerfile ending in {@code steps}. */
  private Path repository(TestFleet fleet, String steps) throws IOException {
    Path directory = Files.createDirectories(work.resolve("repo-" + ++repositories));
    git(directory, "init", "-q", "-b", "main");
    git(directory, "config", "user.name", "Test Developer");
    git(directory, "config", "user.email", "developer@example.test");
    Files.writeString(directory.resolve("Dockerfile"), dockerfile(fleet, steps));
    Files.writeString(directory.resolve("hello.txt"), "hello");
    git(directory, "add", ".");
    git(directory, "commit", "-q", "-m", "First version");
    return directory;
  }

  private String dockerfile(TestFleet fleet, String steps) {
    return "FROM "
        + registry.registry()
        + "/"
        + fleet.org()
        + "/"
        + fleet.slug()
        + "/busybox:1.0\n"
        + steps
        + "CMD [\"cat\", \"/hello.txt\"]\n";
  }

  private String head(Path repository) {
    return git(repository, "rev-parse", "HEAD").output().strip();
  }

  private String remote(TestFleet fleet) {
    return remote(fleet, fleet.developer());
  }

  private String remote(TestFleet fleet, String token) {
    return "http://git:"
        + token
        + "@127.0.0.1:"
        + port()
        + "/git/"
        + fleet.org()
        + "/"
        + fleet.slug()
        + ".git";
  }

  private int port() {
    String authority = registry.registry();
    return Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
  }

  private HttpResponse<String> patchFleet(TestFleet fleet, String json) {
    String owner = fleet.member(world, Role.OWNER);
    return world.call(
        "PATCH", "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug(), json, owner);
  }

  private List<Long> releaseIds(TestFleet fleet) {
    List<Long> ids = new ArrayList<>();
    JsonNode list =
        ReleaseWorld.json(
            world.call(
                "GET",
                "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug() + "/releases",
                null,
                fleet.developer()));
    list.forEach(release -> ids.add(release.path("id").asLong()));
    return ids;
  }

  private JsonNode release(TestFleet fleet, long id) {
    return ReleaseWorld.json(world.call("GET", "/api/v1/releases/" + id, null, fleet.developer()));
  }

  private GitClient.Result git(Path directory, String... arguments) {
    return new GitClient(home).run(directory, arguments);
  }
}
