package io.slipway.builder.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferrerTest {

  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @Test
  void listFromReadsEveryField() {
    List<Referrer> referrers =
        Referrer.listFrom(
            bytes(
                """
                {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
                "digest":"%s","size":512,"artifactType":"application/example",
                "annotations":{"org.opencontainers.image.created":"2026-01-02T03:04:05Z"}}]}"""
                    .formatted(DIGEST)));

    assertThat(referrers)
        .containsExactly(
            new Referrer(
                MediaTypes.OCI_MANIFEST,
                DIGEST,
                512,
                "application/example",
                java.util.Map.of("org.opencontainers.image.created", "2026-01-02T03:04:05Z")));
  }

  @Test
  void listFromLeavesAMissingArtifactTypeNull() {
    List<Referrer> referrers =
        Referrer.listFrom(
            bytes(
                "{\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"%s\",\"size\":1}]}"
                    .formatted(DIGEST)));

    assertThat(referrers.get(0).artifactType()).isNull();
    assertThat(referrers.get(0).annotations()).isEmpty();
  }

  @Test
  void listFromRejectsADocumentWithoutManifests() {
    assertThatThrownBy(() -> Referrer.listFrom(bytes("{\"schemaVersion\":2}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'manifests'");
  }

  @Test
  void listFromRejectsText() {
    assertThatThrownBy(() -> Referrer.listFrom(bytes("404 page not found")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
  }

  @Test
  void listFromRejectsAMalformedDigest() {
    assertThatThrownBy(
            () ->
                Referrer.listFrom(
                    bytes(
                        "{\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"md5:1\",\"size\":1}]}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("md5:1");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
