package io.slipway.systemtest.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.systemtest.builder.BuildApi;
import io.slipway.systemtest.builder.BuildApi.Reply;
import io.slipway.systemtest.builder.Members;
import io.slipway.systemtest.builder.SampleProject;
import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;
import io.slipway.systemtest.skopeo.Skopeo;
import io.slipway.testing.image.BusyboxImages;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code git push} of Debian's git over HTTP to the packaged server, as a developer with the
 * developer role and an API token: a push to {@code main} builds a two-platform release and git
 * shows its progress; a push whose build fails makes git report an error while the ref lands, so
 * that the next push is a plain fast-forward; a push to another branch is stored and not built.
 *
 * <p>The builds use Jib, so no Docker engine is needed; base images come from Debian's
 * busybox-static and are pushed into the server's registry first.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitPushIT {

  private static final String ORGANIZATION = "acme";
  private static final String FLEET = "pushed";

  private static SlipwayStack stack;
  private static BuildApi admin;
  private static GitRepository git;
  private static Path project;

  @BeforeAll
  static void startServerWithFleetAndRepository() throws Exception {
    stack =
        SlipwayStack.start(
            "GitPushIT", new Backend(Backend.Database.H2, Backend.Storage.FILESYSTEM), Map.of());
    String adminToken = stack.server().bootstrapToken();
    admin = new BuildApi(stack, adminToken);
    Reply organization = admin.send("POST", "/api/v1/orgs", "{\"slug\":\"" + ORGANIZATION + "\"}");
    assertThat(organization.status()).as(organization.text()).isEqualTo(201);
    BusyboxImages.push(registry(), "acme/base/busybox", "1.0", "admin", adminToken);
    admin.createFleet(ORGANIZATION, FLEET, "generic-amd64", "generic-aarch64");

    String developer = Members.tokenFor(stack, admin, ORGANIZATION, "devon", "developer");
    project = SampleProject.write(stack.directory("project"), false, "v1");
    git = GitRepository.init(project, stack.directory("git-home"), developer);
    git.addRemote(stack.server().baseUrl() + "/git/" + ORGANIZATION + "/" + FLEET + ".git");
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void pushBuildsTwoPlatformRelease() throws Exception {
    CommandResult push = git.push("slipway", "main");

    assertThat(push.exitCode()).as(push.output()).isZero();
    assertThat(push.stderr()).contains("remote:").contains("linux/amd64").contains("linux/arm64");
    JsonNode release = latestRelease();
    assertThat(release.path("status").asText()).as(admin.log(id(release))).isEqualTo("SUCCESS");
    assertThat(release.path("commit").asText()).isEqualTo(git.head());
    assertThat(push.stderr()).contains(String.valueOf(id(release))).contains("SUCCESS");
    Skopeo skopeo = Skopeo.forRegistry(registry(), stack.directory("skopeo"));
    String worker = BuildApi.image(release, "worker");
    assertThat(BuildApi.architectures(skopeo, worker, stack.server().bootstrapToken()))
        .containsExactlyInAnyOrder("amd64", "arm64");
  }

  @Test
  @Order(2)
  void failedBuildFailsPushKeepsRef() {
    SampleProject.write(project, true, "v1");
    String commit = git.commitAll("Record the build machine in a RUN step");

    CommandResult push = git.push("-o", "engine=jib", "slipway", "main");

    assertThat(push.exitCode()).as(push.output()).isNotZero();
    assertThat(push.stderr()).contains("remote rejected").contains("RUN");
    assertThat(git.remoteRef("refs/heads/main")).isEqualTo(commit);
    assertThat(latestRelease().path("status").asText()).isEqualTo("FAILED");
  }

  @Test
  @Order(3)
  void nextPushIsFastForward() {
    SampleProject.write(project, false, "v2");
    String commit = git.commitAll("Drop the RUN step again");

    CommandResult push = git.push("slipway", "main");

    assertThat(push.exitCode()).as(push.output()).isZero();
    assertThat(push.stderr()).doesNotContain("forced update");
    JsonNode release = latestRelease();
    assertThat(release.path("commit").asText()).isEqualTo(commit);
    assertThat(release.path("status").asText()).as(admin.log(id(release))).isEqualTo("SUCCESS");
  }

  @Test
  @Order(4)
  void otherBranchStoredNotBuilt() {
    long releasesBefore = releases().size();
    git.git("checkout", "-q", "-b", "experiment").assertSucceeded();
    SampleProject.write(project, false, "v3");
    String commit = git.commitAll("Try something");

    CommandResult push = git.push("slipway", "experiment");

    assertThat(push.exitCode()).as(push.output()).isZero();
    assertThat(git.remoteRef("refs/heads/experiment")).isEqualTo(commit);
    assertThat(releases()).hasSize((int) releasesBefore);
  }

  private static List<JsonNode> releases() {
    return admin.releases(ORGANIZATION, FLEET);
  }

  /** Returns the newest release of the fleet, with its services. */
  private static JsonNode latestRelease() {
    List<JsonNode> releases = releases();
    assertThat(releases).as("releases of fleet %s", FLEET).isNotEmpty();
    return admin.release(releases.stream().mapToLong(GitPushIT::id).max().orElseThrow());
  }

  private static long id(JsonNode release) {
    return release.path("id").asLong();
  }

  private static String registry() {
    return stack.server().registryHost();
  }
}
