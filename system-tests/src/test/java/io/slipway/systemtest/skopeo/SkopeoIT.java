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
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
    skopeo = Skopeo.forRegistry(stack.server().registryHost(), stack.directory("skopeo"));
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
    workDirectory = stack.directory("tests", name);
  }

  private OciLayoutBuilder layout() {
    return OciLayoutBuilder.in(workDirectory.resolve("source"));
  }

  /** Builds a linux/amd64 + linux/arm64 index tagged {@code tag} and copies it with --all. */
  private OciImage pushTwoPlatformImage(String repository, String tag) {
    OciLayoutBuilder layout = layout();
    OciImage image = layout.image(tag, Platform.LINUX_AMD64, Platform.LINUX_ARM64);
    skopeo
        .push(layout.directory(), tag, skopeo.reference(repository, tag), true, token())
        .assertSucceeded();
    return image;
  }

  /** Pushes a fresh two-platform image with {@code password} in place of the admin token. */
  private CommandResult pushWithPassword(String repository, String tag, String password) {
    OciLayoutBuilder layout = layout();
    layout.image(tag, Platform.LINUX_AMD64, Platform.LINUX_ARM64);
    return skopeo.push(layout.directory(), tag, skopeo.reference(repository, tag), true, password);
  }

  private static JsonNode json(CommandResult result) {
    return RegistryClient.json(result.stdout().getBytes(StandardCharsets.UTF_8));
  }

  private static String rawManifest(String repository, String reference) {
    return skopeo
        .inspect(skopeo.reference(repository, reference), token(), true)
        .assertSucceeded()
        .stdout();
  }

  private static JsonNode inspectArm64(String repository, String reference) {
    return json(
        skopeo
            .inspectFor("arm64", skopeo.reference(repository, reference), token())
            .assertSucceeded());
  }

  private Path pullAll(String repository, String tag) {
    Path copy = workDirectory.resolve("copy");
    skopeo.pull(skopeo.reference(repository, tag), copy, tag, true, token()).assertSucceeded();
    return copy;
  }

  @Test
  void pushedIndexKeepsItsBytes() {
    OciImage image = pushTwoPlatformImage("acme/fleet/app", "1.0");

    String raw = rawManifest("acme/fleet/app", "1.0");

    assertThat(raw).isEqualTo(new String(image.content(), StandardCharsets.UTF_8));
  }

  @Test
  void pushedIndexKeepsItsDigest() {
    OciImage image = pushTwoPlatformImage("acme/fleet/app", "1.1");

    String raw = rawManifest("acme/fleet/app", "1.1");

    assertThat(Digests.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(image.digest());
  }

  @Test
  void tagResolvesToIndexDigest() {
    OciImage image = pushTwoPlatformImage("acme/fleet/app", "1.2");

    HttpResponse<byte[]> manifest = registry.manifest("acme/fleet/app", "1.2");

    assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(image.digest());
  }

  @Test
  void overrideArchSelectsArm64() {
    pushTwoPlatformImage("acme/fleet/app", "2.0");

    JsonNode inspected = inspectArm64("acme/fleet/app", "2.0");

    assertThat(inspected.path("Architecture").asText()).isEqualTo("arm64");
  }

  @Test
  void overrideArchReadsArm64Layers() {
    OciImage image = pushTwoPlatformImage("acme/fleet/app", "2.1");

    JsonNode inspected = inspectArm64("acme/fleet/app", "2.1");

    assertThat(inspected.path("Layers"))
        .extracting(JsonNode::asText)
        .containsExactlyElementsOf(image.platform(Platform.LINUX_ARM64).layerDigests());
  }

  @Test
  void copyBackKeepsEveryDigest() {
    OciImage image = pushTwoPlatformImage("acme/fleet/app", "3.0");

    OciLayoutReader pulled = new OciLayoutReader(pullAll("acme/fleet/app", "3.0"));

    assertThat(pulled.taggedDigest("3.0")).isEqualTo(image.digest());
    assertThat(pulled.reachableDigests("3.0"))
        .containsExactlyInAnyOrderElementsOf(image.blobDigests());
  }

  @Test
  void copiedBackBlobsMatchDigests() {
    OciImage image = pushTwoPlatformImage("acme/fleet/app", "3.1");

    OciLayoutReader pulled = new OciLayoutReader(pullAll("acme/fleet/app", "3.1"));

    for (String digest : image.blobDigests()) {
      assertThat(Digests.sha256(pulled.blob(digest))).as("blob %s", digest).isEqualTo(digest);
    }
  }

  @Test
  void listTagsSortsLexically() {
    for (String tag : List.of("2.0", "1.10", "latest", "1.2", "1.0")) {
      pushTwoPlatformImage("acme/fleet/tags", tag);
    }

    CommandResult listed = skopeo.listTags("acme/fleet/tags", token()).assertSucceeded();

    assertThat(json(listed).path("Tags"))
        .extracting(JsonNode::asText)
        .containsExactly("1.0", "1.10", "1.2", "2.0", "latest");
  }

  @Test
  void deletedManifestIsUnknown() {
    OciImage image = pushTwoPlatformImage("acme/fleet/deleted", "4.0");
    String byDigest = skopeo.reference("acme/fleet/deleted", image.digest());

    skopeo.delete(byDigest, token()).assertSucceeded();

    CommandResult inspected = skopeo.inspect(byDigest, token(), true);
    assertThat(inspected.succeeded()).as("inspect after delete: %s", inspected).isFalse();
    assertThat(inspected.stderr()).containsIgnoringCase("manifest unknown");
  }

  @Test
  void wrongTokenFailsAuthentication() {
    CommandResult pushed = pushWithPassword("acme/fleet/app", "5.0", "not-the-admin-token");

    assertThat(pushed.succeeded()).as("push with a wrong token: %s", pushed).isFalse();
    assertThat(pushed.stderr()).containsAnyOf("authentication required", "unauthorized");
  }

  @Test
  void wrongTokenStoresNothing() {
    pushWithPassword("acme/fleet/app", "5.1", "not-the-admin-token");

    assertThat(registry.manifest("acme/fleet/app", "5.1").statusCode()).isEqualTo(404);
  }

  @Test
  void singlePlatformImageKeepsDigest() {
    OciLayoutBuilder layout = layout();
    OciImage image = layout.image("single", Platform.LINUX_AMD64);
    String reference = skopeo.reference("acme/fleet/single", "single");

    skopeo.push(layout.directory(), "single", reference, false, token()).assertSucceeded();

    JsonNode inspected = json(skopeo.inspect(reference, token(), false).assertSucceeded());
    assertThat(inspected.path("Digest").asText()).isEqualTo(image.digest());
    assertThat(inspected.path("Architecture").asText()).isEqualTo("amd64");
  }
}
