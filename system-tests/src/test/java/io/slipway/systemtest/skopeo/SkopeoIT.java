package io.slipway.systemtest.skopeo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.systemtest.image.Digests;
import io.slipway.systemtest.image.OciImage;
import io.slipway.systemtest.image.OciLayoutBuilder;
import io.slipway.systemtest.image.OciLayoutReader;
import io.slipway.systemtest.image.Platform;
import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.registry.RegistryClient;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * skopeo pushes, pulls, lists and deletes images, single-platform and a two-platform index, on
 * every backend. The images are built in code as OCI layouts; nothing comes from the internet.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("io.slipway.systemtest.server.Backends#all")
class SkopeoIT {

  private static final String SUITE = "SkopeoIT";

  private static SlipwayStack stack;
  private static Skopeo skopeo;
  private static RegistryClient registry;

  @Parameter Backend backend;

  private Path workDirectory;

  @BeforeParameterizedClassInvocation
  static void startServer(Backend backend) throws Exception {
    stack = SlipwayStack.start(SUITE, backend);
    skopeo =
        Skopeo.forRegistry(
            stack.server().registryHost(),
            stack.server().options().dataDirectory().resolveSibling("skopeo"));
    registry = new RegistryClient(stack.server().baseUrl(), "admin", token());
  }

  @AfterParameterizedClassInvocation
  static void stopServer() throws Exception {
    if (stack != null) {
      stack.close();
      stack = null;
    }
  }

  private static String token() {
    return stack.server().bootstrapToken();
  }

  @BeforeEach
  void prepareDirectory(TestInfo test) throws Exception {
    String name = test.getTestMethod().orElseThrow().getName();
    workDirectory =
        Files.createDirectories(
            stack.server().options().dataDirectory().resolveSibling("tests").resolve(name));
  }

  private OciLayoutBuilder layout() {
    return OciLayoutBuilder.in(workDirectory.resolve("source"));
  }

  private static OciImage twoPlatformImage(OciLayoutBuilder layout, String tag) {
    return layout.image(tag, Platform.LINUX_AMD64, Platform.LINUX_ARM64);
  }

  private static void pushAll(OciLayoutBuilder layout, OciImage image, String repository) {
    skopeo
        .push(
            layout.directory(),
            image.tag(),
            skopeo.reference(repository, image.tag()),
            true,
            token())
        .assertSucceeded();
  }

  @Test
  void copyAllPushesTheIndexWithItsOwnBytes() {
    OciLayoutBuilder layout = layout();
    OciImage image = twoPlatformImage(layout, "1.0");

    pushAll(layout, image, "acme/fleet/app");

    CommandResult raw =
        skopeo.inspect(skopeo.reference("acme/fleet/app", "1.0"), token(), true).assertSucceeded();
    assertThat(raw.stdout()).isEqualTo(new String(image.content(), StandardCharsets.UTF_8));
  }

  @Test
  void pushedIndexKeepsItsDigest() {
    OciLayoutBuilder layout = layout();
    OciImage image = twoPlatformImage(layout, "1.1");

    pushAll(layout, image, "acme/fleet/app");

    CommandResult raw =
        skopeo.inspect(skopeo.reference("acme/fleet/app", "1.1"), token(), true).assertSucceeded();
    assertThat(Digests.sha256(raw.stdout().getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(image.digest());
  }

  @Test
  void registryAnswersTheIndexDigestForTheTag() {
    OciLayoutBuilder layout = layout();
    OciImage image = twoPlatformImage(layout, "1.2");

    pushAll(layout, image, "acme/fleet/app");

    assertThat(
            registry
                .manifest("acme/fleet/app", "1.2")
                .headers()
                .firstValue("Docker-Content-Digest"))
        .contains(image.digest());
  }

  @Test
  void overrideArchSelectsTheArm64Manifest() {
    OciLayoutBuilder layout = layout();
    OciImage image = twoPlatformImage(layout, "2.0");
    pushAll(layout, image, "acme/fleet/app");

    CommandResult inspected =
        skopeo
            .inspectFor("arm64", skopeo.reference("acme/fleet/app", "2.0"), token())
            .assertSucceeded();

    JsonNode json = RegistryClient.json(inspected.stdout().getBytes(StandardCharsets.UTF_8));
    assertThat(json.path("Architecture").asText()).isEqualTo("arm64");
  }

  @Test
  void overrideArchReadsTheArm64Layers() {
    OciLayoutBuilder layout = layout();
    OciImage image = twoPlatformImage(layout, "2.1");
    pushAll(layout, image, "acme/fleet/app");

    CommandResult inspected =
        skopeo
            .inspectFor("arm64", skopeo.reference("acme/fleet/app", "2.1"), token())
            .assertSucceeded();

    JsonNode json = RegistryClient.json(inspected.stdout().getBytes(StandardCharsets.UTF_8));
    assertThat(json.path("Layers"))
        .extracting(JsonNode::asText)
        .containsExactlyElementsOf(image.platform(Platform.LINUX_ARM64).layerDigests());
  }

  @Test
  void copyAllBackKeepsEveryManifestAndBlobDigest() {
    OciLayoutBuilder layout = layout();
    OciImage image = twoPlatformImage(layout, "3.0");
    pushAll(layout, image, "acme/fleet/app");
    Path copy = workDirectory.resolve("copy");

    skopeo
        .pull(skopeo.reference("acme/fleet/app", "3.0"), copy, "3.0", true, token())
        .assertSucceeded();

    OciLayoutReader pulled = new OciLayoutReader(copy);
    assertThat(pulled.taggedDigest("3.0")).isEqualTo(image.digest());
    assertThat(pulled.reachableDigests("3.0"))
        .containsExactlyInAnyOrderElementsOf(image.blobDigests());
  }

  @Test
  void copiedBackLayersHaveTheirDigests() throws Exception {
    OciLayoutBuilder layout = layout();
    OciImage image = twoPlatformImage(layout, "3.1");
    pushAll(layout, image, "acme/fleet/app");
    Path copy = workDirectory.resolve("copy");

    skopeo
        .pull(skopeo.reference("acme/fleet/app", "3.1"), copy, "3.1", true, token())
        .assertSucceeded();

    OciLayoutReader pulled = new OciLayoutReader(copy);
    for (String digest : image.blobDigests()) {
      assertThat(Digests.sha256(pulled.blob(digest))).as("blob %s", digest).isEqualTo(digest);
    }
  }

  @Test
  void listTagsListsEveryTagInLexicalOrder() {
    OciLayoutBuilder layout = layout();
    List<String> tags = List.of("2.0", "1.10", "latest", "1.2", "1.0");
    for (String tag : tags) {
      pushAll(layout, twoPlatformImage(layout, tag), "acme/fleet/tags");
    }

    CommandResult listed = skopeo.listTags("acme/fleet/tags", token()).assertSucceeded();

    JsonNode json = RegistryClient.json(listed.stdout().getBytes(StandardCharsets.UTF_8));
    assertThat(json.path("Tags"))
        .extracting(JsonNode::asText)
        .containsExactly("1.0", "1.10", "1.2", "2.0", "latest");
  }

  @Test
  void deleteByDigestLeavesTheManifestUnknown() {
    OciLayoutBuilder layout = layout();
    OciImage image = twoPlatformImage(layout, "4.0");
    pushAll(layout, image, "acme/fleet/deleted");
    String byDigest = skopeo.reference("acme/fleet/deleted", image.digest());

    skopeo.delete(byDigest, token()).assertSucceeded();

    CommandResult inspected = skopeo.inspect(byDigest, token(), true);
    assertThat(inspected.succeeded()).as("inspect after delete: %s", inspected).isFalse();
    assertThat(inspected.stderr()).containsIgnoringCase("manifest unknown");
  }

  @Test
  void pushWithAWrongTokenFailsToAuthenticate() {
    OciLayoutBuilder layout = layout();
    OciImage image = twoPlatformImage(layout, "5.0");

    CommandResult pushed =
        skopeo.push(
            layout.directory(),
            image.tag(),
            skopeo.reference("acme/fleet/app", image.tag()),
            true,
            "not-the-admin-token");

    assertThat(pushed.succeeded()).as("push with a wrong token: %s", pushed).isFalse();
    assertThat(pushed.stderr()).containsAnyOf("authentication required", "unauthorized");
  }

  @Test
  void pushWithAWrongTokenStoresNothing() {
    OciLayoutBuilder layout = layout();
    OciImage image = twoPlatformImage(layout, "5.1");

    skopeo.push(
        layout.directory(),
        image.tag(),
        skopeo.reference("acme/fleet/app", image.tag()),
        true,
        "not-the-admin-token");

    assertThat(registry.manifest("acme/fleet/app", "5.1").statusCode()).isEqualTo(404);
  }

  @Test
  void singlePlatformImageCopiesWithItsManifestDigest() {
    OciLayoutBuilder layout = layout();
    OciImage image = layout.image("single", Platform.LINUX_AMD64);

    skopeo
        .push(
            layout.directory(),
            image.tag(),
            skopeo.reference("acme/fleet/single", image.tag()),
            false,
            token())
        .assertSucceeded();

    CommandResult inspected =
        skopeo
            .inspect(skopeo.reference("acme/fleet/single", "single"), token(), false)
            .assertSucceeded();
    JsonNode json = RegistryClient.json(inspected.stdout().getBytes(StandardCharsets.UTF_8));
    assertThat(json.path("Digest").asText()).isEqualTo(image.digest());
    assertThat(json.path("Architecture").asText()).isEqualTo("amd64");
  }
}
