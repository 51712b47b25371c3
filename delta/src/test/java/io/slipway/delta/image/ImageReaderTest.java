package io.slipway.delta.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.fixtures.MemoryContent;
import io.slipway.delta.fixtures.Tars;
import io.slipway.delta.fixtures.TestImage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageReaderTest {

  private final MemoryContent content = new MemoryContent();

  @Test
  void readsLayersWithTheirDiffIds() {
    byte[] tar = Tars.of(Map.of("a", new byte[5]), 1);
    TestImage image = TestImage.builder(content).layer(tar, Compression.GZIP).build();

    Image read = ImageReader.read(content, image.manifestDigest());

    assertThat(read.layers()).hasSize(1);
    assertThat(read.layers().get(0).diffId()).isEqualTo(Digest.of(tar));
    assertThat(read.layers().get(0).compression()).isEqualTo(Compression.GZIP);
    assertThat(read.config()).isEqualTo(image.config());
  }

  @Test
  void readsDockerManifest() {
    Digest config = content.put(config("[]"));
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + ImageReader.DOCKER_MANIFEST
            + "\",\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
            + "\"digest\":\""
            + config
            + "\",\"size\":"
            + config("[]").length
            + "},\"layers\":[]}";

    Image read = ImageReader.read(content, content.put(bytes(manifest)));

    assertThat(read.manifestMediaType()).isEqualTo(ImageReader.DOCKER_MANIFEST);
  }

  @Test
  void rejectsIndex() {
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":[]}";

    assertFailure(content.put(bytes(index)), DeltaFailure.INVALID_IMAGE);
  }

  @Test
  void rejectsManifestThatIsNotJson() {
    assertFailure(content.put(bytes("not json")), DeltaFailure.INVALID_IMAGE);
  }

  @Test
  void rejectsConfigWithFewerDiffIds() {
    byte[] tar = Tars.of(Map.of("a", new byte[5]), 1);
    TestImage image = TestImage.builder(content).layer(tar, Compression.NONE).build();
    String manifest =
        new String(image.manifest(), StandardCharsets.UTF_8)
            .replace(image.config().digest().value(), content.put(config("[]")).value())
            .replace(
                "\"size\":" + image.config().size() + "}", "\"size\":" + config("[]").length + "}");

    assertThatThrownBy(() -> ImageReader.read(content, content.put(bytes(manifest))))
        .hasMessageContaining("lists 0 diff_ids");
  }

  @Test
  void rejectsConfigOfOtherSize() {
    Digest config = content.put(config("[]"));
    String manifest =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\""
            + config
            + "\",\"size\":3},\"layers\":[]}";

    assertFailure(content.put(bytes(manifest)), DeltaFailure.INVALID_IMAGE);
  }

  @Test
  void rejectsManifestThatHashesElsewhere() {
    TestImage image = TestImage.builder(content).build();
    Digest claimed = Digest.of(bytes("something else"));
    content.putUnchecked(claimed, image.manifest());

    assertFailure(claimed, DeltaFailure.DIGEST_MISMATCH);
  }

  @Test
  void reportsMissingBlobAsWrongSource() {
    assertFailure(Digest.of(bytes("absent")), DeltaFailure.WRONG_SOURCE);
  }

  @Test
  void rejectsDescriptorWithoutSize() {
    Digest config = content.put(config("[]"));
    String manifest =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\""
            + config
            + "\"},\"layers\":[]}";

    assertFailure(content.put(bytes(manifest)), DeltaFailure.INVALID_IMAGE);
  }

  @Test
  void skipsUnknownFieldsOfManifestAndConfig() {
    byte[] tar = Tars.of(Map.of("a", new byte[5]), 1);
    TestImage image =
        TestImage.builder(content)
            .layer(tar, Compression.NONE)
            .emptyHistory(1000)
            .manifestFiller(1000)
            .build();

    Image read = ImageReader.read(content, image.manifestDigest());

    assertThat(read.layers()).hasSize(1);
    assertThat(read.layers().get(0).diffId()).isEqualTo(Digest.of(tar));
  }

  @Test
  void rejectsConfigWithMoreDiffIds() {
    byte[] tar = Tars.of(Map.of("a", new byte[5]), 1);
    Digest layer = content.put(tar);
    byte[] configBytes = config("[\"" + layer + "\",\"" + layer + "\"]");
    Digest config = content.put(configBytes);
    String manifest =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\""
            + config
            + "\",\"size\":"
            + configBytes.length
            + "},\"layers\":[{\"mediaType\":\"y\",\"digest\":\""
            + layer
            + "\",\"size\":"
            + tar.length
            + "}]}";

    assertFailure(content.put(bytes(manifest)), DeltaFailure.INVALID_IMAGE);
  }

  @Test
  void rejectsLayersGivenAsObject() {
    String manifest = manifestWithoutLayers("\"layers\":{}}");

    assertFailure(content.put(bytes(manifest)), DeltaFailure.INVALID_IMAGE);
  }

  @Test
  void rejectsContentAfterManifestObject() {
    String manifest = manifestWithoutLayers("\"layers\":[]} {}");

    assertFailure(content.put(bytes(manifest)), DeltaFailure.INVALID_IMAGE);
  }

  /** Returns a manifest's start, up to its config with no diff_ids, followed by {@code rest}. */
  private String manifestWithoutLayers(String rest) {
    Digest config = content.put(config("[]"));
    return "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\""
        + config
        + "\",\"size\":"
        + config("[]").length
        + "},"
        + rest;
  }

  private void assertFailure(Digest manifest, DeltaFailure failure) {
    assertThatThrownBy(() -> ImageReader.read(content, manifest))
        .isInstanceOfSatisfying(
            DeltaException.class,
            e -> assertThat(e.failure()).as(e.getMessage()).isEqualTo(failure));
  }

  private static byte[] config(String diffIds) {
    return bytes("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":" + diffIds + "}}");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
