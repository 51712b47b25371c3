package io.slipway.cli.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.slipway.builder.platform.Platform;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformSelectorTest {

  private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String INDEX = "application/vnd.oci.image.index.v1+json";

  private final Map<Digest, byte[]> blobs = new HashMap<>();
  private final ImageContent content =
      digest -> {
        byte[] bytes = blobs.get(digest);
        if (bytes == null) {
          throw new NoSuchFileException(digest.value());
        }
        return new ByteArrayInputStream(bytes);
      };

  private final Digest amd64 = store("{\"mediaType\":\"" + MANIFEST + "\",\"layers\":[]}");
  private final Digest arm64 = store("{\"mediaType\":\"" + MANIFEST + "\",\"layers\":[{}]}");
  private final Digest armV7 = store("{\"mediaType\":\"" + MANIFEST + "\",\"layers\":[{},{}]}");
  private final Digest attestation = store("{\"mediaType\":\"" + MANIFEST + "\",\"config\":{}}");

  @Test
  void manifestIsItsOwnPlatform() {
    byte[] manifest = blobs.get(amd64);

    assertThat(new PlatformSelector(content, null).select(amd64, manifest, "app")).isEqualTo(amd64);
  }

  @Test
  void singleManifestOfOtherPlatformIsRejected() {
    Digest config = store("{\"os\":\"linux\",\"architecture\":\"arm64\"}");
    byte[] manifest = manifestWithConfig(config);

    CommandFailedException thrown =
        catchThrowableOfType(
            () ->
                new PlatformSelector(content, Platform.LINUX_AMD64)
                    .select(Digest.of(manifest), manifest, "app:1"),
            CommandFailedException.class);
    Digest accepted =
        new PlatformSelector(content, Platform.LINUX_ARM64)
            .select(Digest.of(manifest), manifest, "app:1");

    assertThat(thrown.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(thrown).hasMessageContaining("linux/arm64").hasMessageContaining("linux/amd64");
    assertThat(accepted).isEqualTo(Digest.of(manifest));
  }

  @Test
  void platformIsPickedFromIndex() {
    byte[] index = index(entry(amd64, "amd64", null), entry(arm64, "arm64", null));

    Digest picked =
        new PlatformSelector(content, Platform.LINUX_ARM64).select(Digest.of(index), index, "app");

    assertThat(picked).isEqualTo(arm64);
  }

  @Test
  void variantIsMatched() {
    byte[] index = index(entry(arm64, "arm64", null), entry(armV7, "arm", "v7"));

    Digest picked =
        new PlatformSelector(content, Platform.LINUX_ARM_V7).select(Digest.of(index), index, "app");

    assertThat(picked).isEqualTo(armV7);
  }

  @Test
  void singlePlatformIndexNeedsNoChoice() {
    byte[] index =
        index(
            entry(amd64, "amd64", null),
            "{\"mediaType\":\""
                + MANIFEST
                + "\",\"digest\":\""
                + attestation
                + "\",\"size\":1,\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}}");

    Digest picked = new PlatformSelector(content, null).select(Digest.of(index), index, "app");

    assertThat(picked).isEqualTo(amd64);
  }

  @Test
  void nestedIndexIsFollowed() {
    byte[] inner = index(entry(amd64, "amd64", null), entry(arm64, "arm64", null));
    Digest innerDigest = Digest.of(inner);
    blobs.put(innerDigest, inner);
    byte[] outer =
        index("{\"mediaType\":\"" + INDEX + "\",\"digest\":\"" + innerDigest + "\",\"size\":1}");

    Digest picked =
        new PlatformSelector(content, Platform.LINUX_AMD64).select(Digest.of(outer), outer, "app");

    assertThat(picked).isEqualTo(amd64);
  }

  @Test
  void severalPlatformsNeedChoice() {
    byte[] index = index(entry(amd64, "amd64", null), entry(armV7, "arm", "v7"));

    CommandFailedException thrown =
        catchThrowableOfType(
            () -> new PlatformSelector(content, null).select(Digest.of(index), index, "app:1"),
            CommandFailedException.class);

    assertThat(thrown.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(thrown)
        .hasMessageContaining("app:1")
        .hasMessageContaining("linux/amd64, linux/arm/v7");
  }

  @Test
  void missingPlatformNamesAvailableOnes() {
    byte[] index = index(entry(amd64, "amd64", null));

    CommandFailedException thrown =
        catchThrowableOfType(
            () ->
                new PlatformSelector(content, Platform.LINUX_ARM64)
                    .select(Digest.of(index), index, "app:1"),
            CommandFailedException.class);

    assertThat(thrown.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(thrown).hasMessageContaining("linux/arm64").hasMessageContaining("linux/amd64");
  }

  @Test
  void nonJsonIsDamagedImage() {
    byte[] garbage = "not json".getBytes(StandardCharsets.UTF_8);

    CommandFailedException thrown =
        catchThrowableOfType(
            () -> new PlatformSelector(content, null).select(Digest.of(garbage), garbage, "app:1"),
            CommandFailedException.class);

    assertThat(thrown.exitCode()).isEqualTo(ExitCode.FAILED);
  }

  private Digest store(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.of(bytes);
    blobs.put(digest, bytes);
    return digest;
  }

  private static byte[] manifestWithConfig(Digest config) {
    String json =
        "{\"mediaType\":\""
            + MANIFEST
            + "\",\"config\":{\"digest\":\""
            + config
            + "\",\"size\":1},\"layers\":[]}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String entry(Digest digest, String architecture, String variant) {
    String variantField = variant == null ? "" : ",\"variant\":\"" + variant + "\"";
    return "{\"mediaType\":\""
        + MANIFEST
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":1,"
        + "\"platform\":{\"os\":\"linux\",\"architecture\":\""
        + architecture
        + "\""
        + variantField
        + "}}";
  }

  private static byte[] index(String... entries) {
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + INDEX
            + "\",\"manifests\":["
            + String.join(",", entries)
            + "]}";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
