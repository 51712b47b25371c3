package io.slipway.systemtest.jib;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import io.slipway.systemtest.registry.RegistryClient;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jib-core builds arm64 images without a Docker engine and pushes them to Slipway: one from
 * scratch, then one on top of it, which Jib pushes by mounting the base layer across repositories.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("io.slipway.systemtest.server.Backends#pairs")
class JibIT {

  private static final String SUITE = "JibIT";
  private static final Platform LINUX_ARM64 = new Platform("arm64", "linux");

  private static SlipwayStack stack;
  private static RegistryClient registry;

  @Parameter Backend backend;

  private Path workDirectory;

  /**
   * Lets Jib send credentials over plain HTTP, which it rejects by default. The server listens on
   * loopback only, so the credentials never leave the machine.
   */
  @BeforeAll
  static void allowCredentialsOverHttp() {
    System.setProperty("sendCredentialsOverHttp", "true");
  }

  @BeforeParameterizedClassInvocation
  static void startServer(Backend backend) throws Exception {
    stack = SlipwayStack.start(SUITE, backend);
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
    workDirectory = stack.directory("jib", name);
  }

  private RegistryImage image(String repositoryAndTag) throws Exception {
    return RegistryImage.named(
            ImageReference.parse(stack.server().registryHost() + "/" + repositoryAndTag))
        .addCredential("admin", token());
  }

  private Containerizer containerizer(RegistryImage target) {
    return Containerizer.to(target)
        .setAllowInsecureRegistries(true)
        .setBaseImageLayersCache(workDirectory.resolve("base-cache"))
        .setApplicationLayersCache(workDirectory.resolve("application-cache"))
        .setToolName("slipway-system-tests");
  }

  private FileEntriesLayer layer(String name, String content) throws Exception {
    Path file = Files.writeString(workDirectory.resolve(name + ".txt"), content);
    return FileEntriesLayer.builder()
        .setName(name)
        .addEntry(file, AbsoluteUnixPath.get("/opt/" + name + "/" + name + ".txt"))
        .build();
  }

  private JibContainer pushScratchImage(String repositoryAndTag) throws Exception {
    JibContainerBuilder builder =
        Jib.fromScratch()
            .setPlatforms(Set.of(LINUX_ARM64))
            .addFileEntriesLayer(layer("base", "base layer for " + repositoryAndTag + "\n"))
            .setEntrypoint("/bin/sh");
    return builder.containerize(containerizer(image(repositoryAndTag)));
  }

  /** Reads the config blob that {@code repository:reference}'s manifest names. */
  private static JsonNode config(String repository, String reference) {
    JsonNode manifest = RegistryClient.json(registry.manifest(repository, reference).body());
    String configDigest = manifest.path("config").path("digest").asText();
    return RegistryClient.json(registry.blob(repository, configDigest).body());
  }

  @Test
  void scratchImageDigestMatchesRegistry() throws Exception {
    JibContainer pushed = pushScratchImage("acme/fleet/jib:1.0");

    assertThat(
            registry
                .manifest("acme/fleet/jib", "1.0")
                .headers()
                .firstValue("Docker-Content-Digest"))
        .contains(pushed.getDigest().toString());
  }

  @Test
  void scratchImageIsLinuxArm64() throws Exception {
    pushScratchImage("acme/fleet/jib:1.1");

    JsonNode config = config("acme/fleet/jib", "1.1");

    assertThat(config.path("architecture").asText()).isEqualTo("arm64");
    assertThat(config.path("os").asText()).isEqualTo("linux");
  }

  @Test
  void derivedImageStartsWithBaseLayer() throws Exception {
    pushScratchImage("acme/fleet/jib-base:1.0");
    JsonNode base = RegistryClient.json(registry.manifest("acme/fleet/jib-base", "1.0").body());

    Jib.from(image("acme/fleet/jib-base:1.0"))
        .setPlatforms(Set.of(LINUX_ARM64))
        .addFileEntriesLayer(layer("app", "application layer\n"))
        .setFormat(ImageFormat.OCI)
        .containerize(containerizer(image("acme/fleet/jib-app:2.0")));

    JsonNode derived = RegistryClient.json(registry.manifest("acme/fleet/jib-app", "2.0").body());
    assertThat(derived.path("layers").get(0).path("digest").asText())
        .isEqualTo(base.path("layers").get(0).path("digest").asText());
  }

  @Test
  void derivedRepositoryHasBaseLayer() throws Exception {
    pushScratchImage("acme/fleet/jib-base:1.1");
    JsonNode base = RegistryClient.json(registry.manifest("acme/fleet/jib-base", "1.1").body());
    String baseLayer = base.path("layers").get(0).path("digest").asText();

    Jib.from(image("acme/fleet/jib-base:1.1"))
        .setPlatforms(Set.of(LINUX_ARM64))
        .addFileEntriesLayer(layer("app", "application layer\n"))
        .containerize(containerizer(image("acme/fleet/jib-mounted:2.0")));

    assertThat(registry.headBlob("acme/fleet/jib-mounted", baseLayer).statusCode()).isEqualTo(200);
  }

  @Test
  void derivedImageIsArm64() throws Exception {
    pushScratchImage("acme/fleet/jib-base:1.2");

    Jib.from(image("acme/fleet/jib-base:1.2"))
        .setPlatforms(Set.of(LINUX_ARM64))
        .addFileEntriesLayer(layer("app", "application layer\n"))
        .setFormat(ImageFormat.OCI)
        .containerize(containerizer(image("acme/fleet/jib-app:2.2")));

    assertThat(config("acme/fleet/jib-app", "2.2").path("architecture").asText())
        .isEqualTo("arm64");
  }
}
