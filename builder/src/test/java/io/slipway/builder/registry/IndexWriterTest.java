package io.slipway.builder.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.platform.Platform;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexWriterTest {

  private static final Descriptor ARM64 =
      new Descriptor(
          MediaTypes.OCI_MANIFEST, "sha256:" + "a".repeat(64), 500, Platform.LINUX_ARM64);
  private static final Descriptor ARM_V7 =
      new Descriptor(
          MediaTypes.OCI_MANIFEST, "sha256:" + "b".repeat(64), 501, Platform.LINUX_ARM_V7);
  private static final Descriptor AMD64 =
      new Descriptor(
          MediaTypes.OCI_MANIFEST, "sha256:" + "c".repeat(64), 502, Platform.LINUX_AMD64);

  @Test
  void entriesAreSortedByPlatform() {
    Manifest index = IndexWriter.index(List.of(ARM_V7, ARM64, AMD64), java.util.Map.of());

    assertThat(index.text())
        .isEqualTo(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":["
                + entry(AMD64, "\"architecture\":\"amd64\",\"os\":\"linux\"")
                + ","
                + entry(ARM_V7, "\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"")
                + ","
                + entry(ARM64, "\"architecture\":\"arm64\",\"os\":\"linux\"")
                + "]}");
  }

  @Test
  void inputOrderDoesNotChangeTheDigest() {
    var annotations = IndexWriter.annotations("abc", Instant.EPOCH);

    assertThat(IndexWriter.index(List.of(ARM64, AMD64), annotations).digest())
        .isEqualTo(IndexWriter.index(List.of(AMD64, ARM64), annotations).digest());
  }

  @Test
  void revisionIsLeftOutWhenUnknown() {
    assertThat(IndexWriter.annotations(null, Instant.EPOCH))
        .containsOnlyKeys(IndexWriter.CREATED)
        .containsEntry(IndexWriter.CREATED, "1970-01-01T00:00:00Z");
  }

  @Test
  void twoManifestsForOnePlatformAreRefused() {
    Descriptor other =
        new Descriptor(
            MediaTypes.OCI_MANIFEST, "sha256:" + "d".repeat(64), 9, Platform.LINUX_ARM64);

    assertThatThrownBy(() -> IndexWriter.index(List.of(ARM64, other), java.util.Map.of()))
        .hasMessageContaining("linux/arm64");
  }

  private static String entry(Descriptor d, String platform) {
    return "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d,\"platform\":{%s}}"
        .formatted(d.mediaType(), d.digest(), d.size(), platform);
  }
}
