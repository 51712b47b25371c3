package io.slipway.api.releasesigning;

import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.builder.registry.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * A signed release document as an OCI artifact: an image manifest whose {@code artifactType} is the
 * release document's media type, with the empty config and one layer holding the canonical document
 * JSON. Immutable; the same document and annotations always give the same manifest bytes, so
 * pushing an artifact again is harmless.
 *
 * @param manifest the artifact's manifest
 * @param document the document bytes of its one layer
 */
public record ReleaseArtifact(Manifest manifest, byte[] document) {

  /** Media type of the empty config that OCI 1.1 artifacts carry. */
  public static final String EMPTY_CONFIG_TYPE = "application/vnd.oci.empty.v1+json";

  /** Content of the empty config blob. */
  static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);

  /** Annotation of the release version on the manifest. */
  public static final String VERSION_ANNOTATION = "io.slipway.release.version";

  /** Annotation of the release sequence on the manifest. */
  public static final String SEQUENCE_ANNOTATION = "io.slipway.release.sequence";

  /** Tag prefix of release artifacts in the fleet's repository; the sequence follows it. */
  public static final String TAG_PREFIX = "release-";

  private static final String TITLE_ANNOTATION = "org.opencontainers.image.title";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  public ReleaseArtifact {
    Objects.requireNonNull(manifest, "manifest");
    document = Objects.requireNonNull(document, "document").clone();
  }

  @Override
  public byte[] document() {
    return document.clone();
  }

  /**
   * Builds the artifact of {@code document}.
   *
   * @param artifactType the document's media type, used as the artifact type and the layer's type
   * @param annotations the manifest's annotations, written sorted by key
   */
  public static ReleaseArtifact of(
      byte[] document, String artifactType, Map<String, String> annotations) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("artifactType", artifactType);
    manifest.put("config", descriptor(EMPTY_CONFIG_TYPE, EMPTY_CONFIG, null));
    manifest.put(
        "layers",
        List.of(descriptor(artifactType, document, Map.of(TITLE_ANNOTATION, "release.json"))));
    manifest.put("annotations", new TreeMap<>(annotations));
    return new ReleaseArtifact(
        Manifest.of(MediaTypes.OCI_MANIFEST, JSON.writeValueAsBytes(manifest)), document);
  }

  /** Returns the tag of the release with {@code sequence} in its fleet's repository. */
  public static String tag(long sequence) {
    return TAG_PREFIX + sequence;
  }

  /**
   * Uploads the config and document blobs to {@code repository} and puts the manifest under {@code
   * tag}.
   *
   * @return the descriptor of the pushed manifest, which signatures name as their subject
   * @throws io.slipway.builder.registry.RegistryException when the registry rejects a write
   */
  public Descriptor push(RegistryClient client, String repository, String tag) {
    client.pushBlob(repository, EMPTY_CONFIG);
    client.pushBlob(repository, document);
    client.putManifest(repository, tag, manifest);
    return new Descriptor(manifest.mediaType(), manifest.digest(), manifest.size(), null);
  }

  private static Map<String, Object> descriptor(
      String mediaType, byte[] content, Map<String, String> annotations) {
    Map<String, Object> descriptor = new LinkedHashMap<>();
    descriptor.put("mediaType", mediaType);
    descriptor.put("digest", Manifest.sha256(content));
    descriptor.put("size", content.length);
    if (annotations != null) {
      descriptor.put("annotations", annotations);
    }
    return descriptor;
  }
}
