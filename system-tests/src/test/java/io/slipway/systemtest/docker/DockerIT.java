package io.slipway.systemtest.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.registry.RegistryClient;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The docker CLI, through a real Docker engine, logs in to Slipway, pushes, pulls and runs images.
 * The base image is made locally from busybox-static; the engine reaches the registry over plain
 * HTTP because it treats 127.0.0.0/8 as insecure.
 *
 * <p>Without a running engine these tests fail, never skip; .ci/run starts one.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("io.slipway.systemtest.server.Backends#pairs")
class DockerIT {

  private static final String SUITE = "DockerIT";
  private static final Pattern PUSHED_DIGEST = Pattern.compile("digest: (sha256:[0-9a-f]{64})");

  private static SlipwayStack stack;
  private static DockerCli docker;
  private static RegistryClient registry;
  private static Path workDirectory;

  @Parameter Backend backend;

  @BeforeParameterizedClassInvocation
  static void startServerAndLogIn(Backend backend) throws Exception {
    DockerCli.requireEngine();
    stack = SlipwayStack.start(SUITE, backend);
    workDirectory = stack.directory("docker");
    docker = new DockerCli(workDirectory.resolve("config"));
    registry = new RegistryClient(stack.server().baseUrl(), "admin", token());

    docker.login(host(), token()).assertSucceeded();
  }

  @AfterParameterizedClassInvocation
  static void stopServerAndRemoveImages() throws Exception {
    if (stack == null) {
      return;
    }
    try {
      removeImagesOfThisRun();
    } finally {
      stack.close();
      stack = null;
    }
  }

  /** Untags what this class imported, built or pulled, so that the engine does not fill up. */
  private static void removeImagesOfThisRun() {
    String listed = docker.run("images", "--format", "{{.Repository}}:{{.Tag}}").stdout();
    for (String image : listed.split("\n")) {
      if (image.startsWith(host() + "/") || image.startsWith("local/busybox-")) {
        docker.run("rmi", "--force", image);
      }
    }
  }

  private static String token() {
    return stack.server().bootstrapToken();
  }

  private static String host() {
    return stack.server().registryHost();
  }

  private String baseImage;

  /** Imports a base image of this test's own, so that removing it touches no other test. */
  @BeforeEach
  void importBaseImage(TestInfo test) throws Exception {
    String variant = test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
    baseImage = BusyboxImage.importVariant(docker, workDirectory, variant);
  }

  /** Tags the base image as {@code HOST/REPOSITORY:TAG}, pushes it and returns the push result. */
  private CommandResult pushBase(String repositoryAndTag) {
    String image = host() + "/" + repositoryAndTag;
    docker.run("tag", baseImage, image).assertSucceeded();
    return docker.run("push", image);
  }

  /** Removes every local tag of {@code image}'s ID, so that a pull must fetch all of it. */
  private static void removeLocally(String image) {
    String id = docker.run("image", "inspect", "--format", "{{.Id}}", image).stdout().strip();
    docker.run("rmi", "--force", id).assertSucceeded();
  }

  private static String pushedDigest(CommandResult push) {
    Matcher matcher = PUSHED_DIGEST.matcher(push.stdout());
    if (!matcher.find()) {
      throw new AssertionError("docker push printed no digest: " + push);
    }
    return matcher.group(1);
  }

  @Test
  void pushedDigestMatchesRegistry() {
    CommandResult push = pushBase("acme/fleet/busybox:1.0").assertSucceeded();

    HttpResponse<byte[]> manifest = registry.manifest("acme/fleet/busybox", "1.0");

    assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(pushedDigest(push));
  }

  @Test
  void pulledImageRuns() {
    String image = host() + "/acme/fleet/busybox:1.1";
    pushBase("acme/fleet/busybox:1.1").assertSucceeded();
    removeLocally(image);

    docker.run("pull", image).assertSucceeded();
    CommandResult run =
        docker.run("run", "--rm", "--network", "host", "--pull", "never", image, "echo", "ok");

    assertThat(run.assertSucceeded().stdout().strip()).isEqualTo("ok");
  }

  @Test
  void builtImageRunsAfterPull() throws Exception {
    Path context = Files.createDirectories(workDirectory.resolve("hello-context"));
    Files.writeString(context.resolve("hello.txt"), "hello from slipway\n");
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM " + baseImage + "\nCOPY hello.txt /hello.txt\nCMD [\"cat\", \"/hello.txt\"]\n");
    String image = host() + "/acme/fleet/hello:1.0";
    docker.buildClassic(context, image).assertSucceeded();
    docker.run("push", image).assertSucceeded();
    removeLocally(image);
    removeLocally(baseImage);

    docker.run("pull", image).assertSucceeded();
    CommandResult run = docker.run("run", "--rm", "--network", "host", "--pull", "never", image);

    assertThat(run.assertSucceeded().stdout()).isEqualTo("hello from slipway\n");
  }

  @Test
  void builtImageHasTwoLayers() throws Exception {
    Path context = Files.createDirectories(workDirectory.resolve("layers-context"));
    Files.writeString(context.resolve("hello.txt"), "second layer\n");
    Files.writeString(
        context.resolve("Dockerfile"), "FROM " + baseImage + "\nCOPY hello.txt /hello.txt\n");
    String image = host() + "/acme/fleet/layers:1.0";
    docker.buildClassic(context, image).assertSucceeded();

    docker.run("push", image).assertSucceeded();

    JsonNode manifest = RegistryClient.json(registry.manifest("acme/fleet/layers", "1.0").body());
    assertThat(manifest.path("layers")).hasSize(2);
  }

  @Test
  void manifestInspectShowsManifest() {
    CommandResult push = pushBase("acme/fleet/busybox:2.0").assertSucceeded();

    CommandResult inspect =
        docker.run("manifest", "inspect", "--insecure", host() + "/acme/fleet/busybox:2.0");
    Assumptions.assumeFalse(
        inspect.stderr().contains("is not a docker command")
            || inspect.stderr().contains("experimental"),
        "this docker CLI has no 'docker manifest'");

    JsonNode manifest =
        RegistryClient.json(inspect.assertSucceeded().stdout().getBytes(StandardCharsets.UTF_8));
    byte[] served = registry.manifest("acme/fleet/busybox", pushedDigest(push)).body();
    assertThat(manifest).isEqualTo(RegistryClient.json(served));
  }

  @Test
  void deletedManifestCannotBePulled() {
    String image = host() + "/acme/fleet/gone:1.0";
    String digest = pushedDigest(pushBase("acme/fleet/gone:1.0").assertSucceeded());
    removeLocally(image);

    HttpResponse<byte[]> deleted = registry.deleteManifest("acme/fleet/gone", digest);
    assertThat(deleted.statusCode()).as(RegistryClient.describe(deleted)).isEqualTo(202);

    CommandResult pull = docker.run("pull", host() + "/acme/fleet/gone@" + digest);
    assertThat(pull.succeeded()).as("pull after delete: %s", pull).isFalse();
    assertThat(pull.stderr()).containsIgnoringCase("manifest unknown");
  }

  @Test
  void pushWithoutLoginIsRejected() {
    DockerCli anonymous = new DockerCli(workDirectory.resolve("anonymous-config"));
    String image = host() + "/acme/fleet/anonymous:1.0";
    docker.run("tag", baseImage, image).assertSucceeded();

    CommandResult push = anonymous.run("push", image);

    assertThat(push.succeeded()).as("push without login: %s", push).isFalse();
    assertThat(push.output()).containsAnyOf("unauthorized", "authentication required");
  }
}
