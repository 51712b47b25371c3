package io.slipway.agent.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.ImageReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IndexResolverTest {

  private static final String AMD64 = "sha256:" + "a".repeat(64);
  private static final String ARM64 = "sha256:" + "b".repeat(64);
  private static final String ARM_V7 = "sha256:" + "c".repeat(64);
  private static final String ATTESTATION = "sha256:" + "d".repeat(64);

  private static final RegistryClient.Fetched INDEX =
      fetched(
          "{\"schemaVersion\":2,\"manifests\":["
              + entry(AMD64, "{\"os\":\"linux\",\"architecture\":\"amd64\"}")
              + ","
              + entry(ARM64, "{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}")
              + ","
              + entry(ARM_V7, "{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}")
              + ","
              + entry(ATTESTATION, "{\"os\":\"unknown\",\"architecture\":\"unknown\"}")
              + "]}");

  @Test
  void picksExactPlatform() {
    assertThat(IndexResolver.platformManifest(INDEX, "linux/amd64")).isEqualTo(Digest.of(AMD64));
  }

  @Test
  void picksArm64WithDefaultVariant() {
    assertThat(IndexResolver.platformManifest(INDEX, "linux/arm64")).isEqualTo(Digest.of(ARM64));
  }

  @Test
  void picksArmVariant() {
    assertThat(IndexResolver.platformManifest(INDEX, "linux/arm/v7")).isEqualTo(Digest.of(ARM_V7));
  }

  @Test
  void missingPlatformNamesListedOnes() {
    assertThatThrownBy(() -> IndexResolver.platformManifest(INDEX, "linux/riscv64"))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("linux/riscv64")
        .hasMessageContaining("linux/arm64/v8");
  }

  @Test
  void unknownPlatformNeedsSingleEntry() {
    assertThatThrownBy(() -> IndexResolver.platformManifest(INDEX, null))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("no single manifest");
  }

  @Test
  void singleManifestIsItsOwnPlatformManifest() {
    RegistryClient.Fetched manifest = fetched("{\"schemaVersion\":2,\"config\":{},\"layers\":[]}");

    assertThat(IndexResolver.platformManifest(manifest, "linux/arm64"))
        .isEqualTo(manifest.digest());
  }

  @Test
  void configOfFleetPlatformIsAccepted() {
    Image image = image("{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"");

    assertThatCode(() -> IndexResolver.requirePlatform(image, "acme/web", "web", "linux/arm64"))
        .doesNotThrowAnyException();
  }

  @Test
  void configOfOtherPlatformIsRefused() {
    Image image = image("{\"os\":\"linux\",\"architecture\":\"amd64\"");

    assertThatThrownBy(() -> IndexResolver.requirePlatform(image, "acme/web", "web", "linux/arm64"))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("built for linux/amd64")
        .hasMessageContaining("fleet's platform is linux/arm64")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.VERIFICATION_FAILED);
  }

  @Test
  void configWithoutPlatformIsRefused() {
    Image image = image("{");

    assertThatThrownBy(() -> IndexResolver.requirePlatform(image, "acme/web", "web", "linux/amd64"))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("built for unknown/unknown");
  }

  @Test
  void unknownFleetPlatformAcceptsAnyConfig() {
    Image image = image("{\"os\":\"linux\",\"architecture\":\"amd64\"");

    assertThatCode(() -> IndexResolver.requirePlatform(image, "acme/web", "web", null))
        .doesNotThrowAnyException();
  }

  /** Returns a one-layer image whose config starts with {@code configStart}. */
  private static Image image(String configStart) {
    String diffId = "sha256:" + "e".repeat(64);
    String separator = configStart.equals("{") ? "" : ",";
    byte[] config =
        (configStart
                + separator
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + diffId
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + Digest.of(config)
                + "\",\"size\":"
                + config.length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                + "\"digest\":\""
                + diffId
                + "\",\"size\":1}]}")
            .getBytes(StandardCharsets.UTF_8);
    return ImageReader.withConfig(ImageReader.parseManifest(Digest.of(manifest), manifest), config);
  }

  private static String entry(String digest, String platform) {
    return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
        + digest
        + "\",\"size\":1,\"platform\":"
        + platform
        + "}";
  }

  private static RegistryClient.Fetched fetched(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return new RegistryClient.Fetched(Digest.of(bytes), "application/json", bytes);
  }
}
