package io.slipway.systemtest.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.systemtest.builder.BuildApi;
import io.slipway.systemtest.builder.BuildApi.Reply;
import io.slipway.systemtest.builder.Members;
import io.slipway.systemtest.docker.BusyboxImage;
import io.slipway.systemtest.docker.DockerCli;
import io.slipway.systemtest.image.OciLayoutBuilder;
import io.slipway.systemtest.image.Platform;
import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;
import io.slipway.systemtest.skopeo.Skopeo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Prebuilt images deployed without the builder: an image pushed with {@code docker push} and an
 * index copied with {@code skopeo copy --all}, each followed by the packaged {@code slipway
 * deploy}; and a deploy that names an image missing a platform of the fleet, which fails and
 * creates no release. The copied index must also carry the server's classic signature tag.
 *
 * <p>Needs a running Docker engine; these tests fail, never skip, without one (.ci/run starts it).
 * Images come from Debian's busybox-static and from code; nothing is pulled from the internet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployIT {

  private static final String ORGANIZATION = "acme";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static SlipwayStack stack;
  private static BuildApi admin;
  private static DockerCli docker;
  private static SlipwayCli cli;

  @BeforeAll
  static void startServerWithFleets() throws Exception {
    DockerCli.requireEngine();
    stack =
        SlipwayStack.start(
            "DeployIT", new Backend(Backend.Database.H2, Backend.Storage.FILESYSTEM), Map.of());
    String adminToken = stack.server().bootstrapToken();
    admin = new BuildApi(stack, adminToken);
    Reply organization = admin.send("POST", "/api/v1/orgs", "{\"slug\":\"" + ORGANIZATION + "\"}");
    assertThat(organization.status()).as(organization.text()).isEqualTo(201);
    admin.createFleet(ORGANIZATION, "single", "generic-amd64");
    admin.createFleet(ORGANIZATION, "dual", "generic-amd64", "generic-aarch64");

    docker = new DockerCli(stack.directory("docker-config"));
    docker.login(registry(), adminToken).assertSucceeded();
    String developer = Members.tokenFor(stack, admin, ORGANIZATION, "devi", "developer");
    cli = new SlipwayCli(stack.server().baseUrl().toString(), developer, stack.directory("cli"));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void dockerPushedImageDeploysByTag() throws Exception {
    String local = BusyboxImage.importVariant(docker, stack.directory("images"), "deployed");
    String pushed = registry() + "/acme/single/web:1.0";
    docker.run("tag", local, pushed).assertSucceeded();
    docker.run("push", pushed).assertSucceeded();

    CommandResult deploy = cli.run("deploy", "--fleet", "acme/single", "--tag", "1.0");

    assertThat(deploy.exitCode()).as(deploy.output()).isZero();
    JsonNode release = onlyRelease("single");
    assertThat(release.path("status").asText()).isEqualTo("SUCCESS");
    assertThat(release.path("source").asText()).isEqualTo("PREBUILT");
    String image = BuildApi.image(release, "web");
    assertThat(image).startsWith(registry() + "/acme/single/web@sha256:");
    assertThat(run(image, "cat", "/etc/variant")).isEqualTo("deployed");
  }

  @Test
  @Order(2)
  void missingPlatformFailsDeploy() {
    String image = registry() + "/acme/single/web:1.0";

    CommandResult deploy = cli.run("deploy", "--fleet", "acme/dual", "--image", "web=" + image);

    assertThat(deploy.exitCode()).as(deploy.output()).isEqualTo(1);
    assertThat(deploy.output()).contains("linux/arm64");
    assertThat(admin.releases(ORGANIZATION, "dual")).isEmpty();
  }

  @Test
  @Order(3)
  void skopeoCopiedIndexDeploysFromCompose() throws Exception {
    OciLayoutBuilder layout = OciLayoutBuilder.in(stack.directory("layout"));
    layout.image("2.0", Platform.LINUX_AMD64, Platform.LINUX_ARM64);
    Skopeo skopeo = Skopeo.forRegistry(registry(), stack.directory("skopeo"));
    String adminToken = stack.server().bootstrapToken();
    skopeo
        .push(
            layout.directory(), "2.0", skopeo.reference("acme/shared/api", "2.0"), true, adminToken)
        .assertSucceeded();
    Path compose =
        Files.writeString(
            stack.directory("compose").resolve("docker-compose.yml"),
            """
            services:
              api:
                image: %s/acme/shared/api:2.0
                environment:
                  MODE: field
                restart: always
            """
                .formatted(registry()));

    CommandResult deploy =
        cli.run("deploy", "--fleet", "acme/dual", "--compose", compose.toString(), "--json");

    assertThat(deploy.exitCode()).as(deploy.output()).isZero();
    JsonNode release = onlyRelease("dual");
    assertThat(release.path("status").asText()).isEqualTo("SUCCESS");
    String image = BuildApi.image(release, "api");
    assertThat(image).startsWith(registry() + "/acme/dual/api@sha256:");
    assertThat(release.path("services").path("api").path("environment").path("MODE").asText())
        .isEqualTo("field");
    assertThat(BuildApi.architectures(skopeo, image, adminToken))
        .containsExactlyInAnyOrder("amd64", "arm64");
    String index = image.substring(image.indexOf('@') + "@sha256:".length());
    CommandResult classic =
        skopeo.inspect(
            skopeo.reference("acme/dual/api", "sha256-" + index + ".sig"), adminToken, true);
    assertThat(classic.assertSucceeded().stdout()).contains("dev.cosignproject.cosign/signature");
    assertThat(release.path("signature").path("sequence").asLong()).isEqualTo(1);
    assertThat(JSON.readTree(deploy.stdout()).path("id").asLong()).isEqualTo(id(release));
  }

  private static JsonNode onlyRelease(String fleet) {
    List<JsonNode> releases = admin.releases(ORGANIZATION, fleet);
    assertThat(releases).as("releases of fleet %s", fleet).hasSize(1);
    return admin.release(id(releases.get(0)));
  }

  /** Pulls {@code image} afresh and returns what {@code command} prints in it, trimmed. */
  private static String run(String image, String... command) {
    docker.run("rmi", "--force", image);
    docker.run("pull", image).assertSucceeded();
    List<String> arguments =
        new ArrayList<>(List.of("run", "--rm", "--network", "host", "--pull", "never", image));
    arguments.addAll(List.of(command));
    return docker.run(arguments.toArray(String[]::new)).assertSucceeded().stdout().strip();
  }

  private static long id(JsonNode release) {
    return release.path("id").asLong();
  }

  private static String registry() {
    return stack.server().registryHost();
  }
}
