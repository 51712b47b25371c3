package io.slipway.api.releasesigning;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.registry.Manifest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReleaseArtifactTest {

  private static final String TYPE = "application/vnd.slipway.release.v1+json";
  private static final byte[] DOCUMENT =
      "{\"fleet\":\"acme/sensors\",\"sequence\":3}".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> ANNOTATIONS =
      Map.of(ReleaseArtifact.VERSION_ANNOTATION, "1.2.0", ReleaseArtifact.SEQUENCE_ANNOTATION, "3");

  private static JsonNode manifestJson() {
    return JsonMapper.builder()
        .build()
        .readTree(ReleaseArtifact.of(DOCUMENT, TYPE, ANNOTATIONS).manifest().bytes());
  }

  @Test
  void manifestNamesTheArtifactType() {
    JsonNode manifest = manifestJson();

    assertThat(manifest.path("mediaType").asString())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(manifest.path("artifactType").asString()).isEqualTo(TYPE);
  }

  @Test
  void configIsTheEmptyDescriptor() {
    JsonNode config = manifestJson().path("config");

    assertThat(config.path("mediaType").asString()).isEqualTo("application/vnd.oci.empty.v1+json");
    assertThat(config.path("digest").asString())
        .isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    assertThat(config.path("size").asInt()).isEqualTo(2);
  }

  @Test
  void onlyLayerIsTheDocument() {
    JsonNode layers = manifestJson().path("layers");

    assertThat(layers.size()).isOne();
    assertThat(layers.get(0).path("mediaType").asString()).isEqualTo(TYPE);
    assertThat(layers.get(0).path("digest").asString()).isEqualTo(Manifest.sha256(DOCUMENT));
    assertThat(layers.get(0).path("size").asInt()).isEqualTo(DOCUMENT.length);
  }

  @Test
  void annotationsCarryVersionAndSequence() {
    JsonNode annotations = manifestJson().path("annotations");

    assertThat(annotations.path("io.slipway.release.version").asString()).isEqualTo("1.2.0");
    assertThat(annotations.path("io.slipway.release.sequence").asString()).isEqualTo("3");
  }

  @Test
  void sameDocumentGivesTheSameManifest() {
    Manifest first = ReleaseArtifact.of(DOCUMENT, TYPE, ANNOTATIONS).manifest();
    Manifest second =
        ReleaseArtifact.of(DOCUMENT.clone(), TYPE, Map.copyOf(ANNOTATIONS)).manifest();

    assertThat(second.digest()).isEqualTo(first.digest());
  }

  @Test
  void tagNamesTheSequence() {
    assertThat(ReleaseArtifact.tag(12)).isEqualTo("release-12");
  }
}
