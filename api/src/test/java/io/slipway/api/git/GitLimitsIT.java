package io.slipway.api.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.audit.AuditEntry;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits of a push: its pack's size, its objects' sizes, the size of its audit entry and how
 * many pushes follow their builds. Also the audit of refused requests. The server follows no
 * builds, so every build is left running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitLimitsIT {

  private static final int MAX_SOURCE = 64 * 1024;
  private static final int MAX_OBJECT = 1024 * 1024;

  @TempDir static Path dataDirectory;
  @TempDir static Path work;

  private ReleaseWorld world;

  @BeforeAll
  void startServer() {
    world =
        ReleaseWorld.start(
            TestDatabase.h2(),
            dataDirectory,
            "--slipway.builder.max-source-size=" + MAX_SOURCE + "B",
            "--slipway.builder.engine=jib",
            "--slipway.git.max-object-size=" + MAX_OBJECT + "B",
            "--slipway.git.max-following-pushes=0");
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @Test
  void packOverTheSourceLimitIsRejected() throws IOException {
    TestFleet fleet = world.newFleet();
    byte[] noise = new byte[4 * MAX_SOURCE];
    new Random(7).nextBytes(noise);
    Path repository = Files.createDirectories(work.resolve("big"));
    Files.write(repository.resolve("noise.bin"), noise);
    Files.writeString(repository.resolve("Dockerfile"), "FROM scratch\n");
    git(repository, "init", "-q", "-b", "main");
    git(repository, "add", ".");
    git(
        repository,
        "-c",
        "user.name=Dev",
        "-c",
        "user.email=dev@example.test",
        "commit",
        "-q",
        "-m",
        "Add noise");

    String remote = remote(fleet, fleet.developer());
    String push = git(repository, "push", remote, "HEAD:main");

    assertThat(push).contains("Pack exceeds the limit of 65,536 bytes");
    assertThat(push).contains("[remote rejected] HEAD -> main");
    assertThat(git(repository, "ls-remote", remote)).doesNotContain("refs/heads/main");
  }

  @Test
  void deltaOverObjectLimitIsRejected() throws Exception {
    TestFleet fleet = world.newFleet();
    byte[] base = new byte[0x10000];
    int copies = 2 * MAX_OBJECT / base.length;
    ObjectId result = blobId(new byte[copies * base.length]);
    byte[] pack = DeltaPack.of(base, copies);

    HttpResponse<String> response =
        receivePack(fleet, "refs/tags/bomb", result, pack, fleet.developer());

    assertThat(response.body())
        .contains("Max object size limit is " + String.format("%,d", MAX_OBJECT) + " bytes");
    assertThat(git(work, "ls-remote", remote(fleet, fleet.developer())))
        .doesNotContain("refs/tags/bomb");
  }

  @Test
  void manyRefsAreAuditedWithTheirCount() throws IOException {
    TestFleet fleet = world.newFleet();
    Path repository = commitDockerfile(fleet, "tags");
    String head = git(repository, "rev-parse", "HEAD").strip();
    StringBuilder packedRefs = new StringBuilder("# pack-refs with: peeled fully-peeled sorted\n");
    for (int i = 0; i < 150; i++) {
      packedRefs.append(head).append(" refs/tags/t").append(1000 + i).append('\n');
    }
    Files.writeString(repository.resolve(".git/packed-refs"), packedRefs);

    git(repository, "push", remote(fleet, fleet.developer()), "--tags");

    Map<String, Object> details = latest(fleet.organizationId(), "git.push").details();
    assertThat(details).containsEntry("refCount", 150).containsEntry("more", 50);
    assertThat((List<?>) details.get("refs")).hasSize(DeployHook.AUDITED_REFS);
  }

  @Test
  void viewerRefusalIsAudited() {
    TestFleet fleet = world.newFleet();
    String viewer = fleet.member(world, Role.VIEWER);

    git(work, "ls-remote", remote(fleet, viewer));

    AuditEntry denied = latest(null, "git.access.denied");
    assertThat(denied.outcome()).isEqualTo("DENIED");
    assertThat(denied.details()).containsEntry("fleet", fleet.org() + "/" + fleet.slug());
  }

  @Test
  void pushBeyondFollowLimitNamesRelease() throws IOException {
    TestFleet fleet = world.newFleet();
    Path repository = commitDockerfile(fleet, "follow");

    GitClient.Result push =
        new GitClient(work).run(repository, "push", remote(fleet, fleet.developer()), "HEAD:main");

    assertThat(push.exit()).as(push.output()).isZero();
    assertThat(push.output())
        .containsPattern(
            "remote: Release (\\d+) \\([^)]+\\) is building; follow it with `slipway release"
                + " follow \\1`");
  }

  private Path commitDockerfile(TestFleet fleet, String name) throws IOException {
    Path repository = Files.createDirectories(work.resolve(name + "-" + fleet.slug()));
    Files.writeString(repository.resolve("Dockerfile"), "FROM scratch\nCOPY Dockerfile /\n");
    git(repository, "init", "-q", "-b", "main");
    git(repository, "add", ".");
    git(
        repository,
        "-c",
        "user.name=Dev",
        "-c",
        "user.email=dev@example.test",
        "commit",
        "-q",
        "-m",
        "Add a Dockerfile");
    return repository;
  }

  private AuditEntry latest(Long organizationId, String action) {
    return world.context().getBean(AuditLog.class).read(organizationId, null, 100).stream()
        .filter(entry -> entry.action().equals(action))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no audit entry " + action));
  }

  /** Sends one ref update and a pack to {@code git-receive-pack}, as git would. */
  private HttpResponse<String> receivePack(
      TestFleet fleet, String ref, ObjectId id, byte[] pack, String token) throws Exception {
    String command =
        ObjectId.zeroId().name() + " " + id.name() + " " + ref + "\0report-status side-band-64k\n";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(String.format("%04x", command.length() + 4).getBytes(StandardCharsets.US_ASCII));
    body.write(command.getBytes(StandardCharsets.US_ASCII));
    body.write("0000".getBytes(StandardCharsets.US_ASCII));
    body.write(pack);
    String url =
        "http://127.0.0.1:"
            + TestServers.port(world.context())
            + "/git/"
            + fleet.org()
            + "/"
            + fleet.slug()
            + ".git/git-receive-pack";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/x-git-receive-pack-request")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
  }

  private static ObjectId blobId(byte[] content) {
    return new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, content);
  }

  private String remote(TestFleet fleet, String token) {
    return "http://git:"
        + token
        + "@127.0.0.1:"
        + TestServers.port(world.context())
        + "/git/"
        + fleet.org()
        + "/"
        + fleet.slug()
        + ".git";
  }

  private String git(Path directory, String... arguments) {
    return new GitClient(work).run(directory, arguments).output();
  }
}
