package io.slipway.api.signature;

import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.signing.bundle.Bundle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OCI 1.1 artifact manifest that attaches one Sigstore bundle to the manifest it signs:
 * artifact type and single layer of the bundle media type, the empty config, and {@code subject}
 * pointing at the signed manifest.
 */
final class ReferrerManifest {

  /** The annotation holding the creation time, RFC 3339 in UTC. */
  static final String CREATED = "org.opencontainers.image.created";

  /** The empty descriptor's media type, the config type of an artifact manifest. */
  static final String EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";

  /** The empty config blob, {@code {}}. */
  static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);

  static final ObjectMapper JSON = JsonMapper.builder().build();

  private ReferrerManifest() {}

  /**
   * Returns the manifest attaching the bundle blob {@code bundleDigest} of {@code bundleSize} bytes
   * to {@code subject}, created at {@code created} (kept to whole seconds).
   */
  static Manifest of(Descriptor subject, String bundleDigest, long bundleSize, Instant created) {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", MediaTypes.OCI_MANIFEST);
    root.put("artifactType", Bundle.MEDIA_TYPE);
    root.set(
        "config", descriptor(EMPTY_MEDIA_TYPE, Manifest.sha256(EMPTY_CONFIG), EMPTY_CONFIG.length));
    root.putArray("layers").add(descriptor(Bundle.MEDIA_TYPE, bundleDigest, bundleSize));
    root.set("subject", descriptor(subject.mediaType(), subject.digest(), subject.size()));
    root.putObject("annotations").put(CREATED, created.truncatedTo(ChronoUnit.SECONDS).toString());
    return Manifest.of(MediaTypes.OCI_MANIFEST, JSON.writeValueAsBytes(root));
  }

  /**
   * Returns the digests of the bundle layers of a referrer manifest, and none when {@code manifest}
   * is not an artifact manifest of a bundle for {@code subjectDigest}.
   */
  static List<String> bundleLayers(Manifest manifest, String subjectDigest) {
    JsonNode root = parse(manifest.bytes());
    List<String> digests = new ArrayList<>();
    if (!subjectDigest.equals(root.path("subject").path("digest").asString(""))) {
      return digests;
    }
    for (JsonNode layer : root.path("layers")) {
      if (Bundle.MEDIA_TYPE.equals(layer.path("mediaType").asString(""))) {
        digests.add(layer.path("digest").asString(""));
      }
    }
    return digests;
  }

  /** Returns a descriptor object with the three fields every descriptor has. */
  static ObjectNode descriptor(String mediaType, String digest, long size) {
    ObjectNode descriptor = JSON.createObjectNode();
    descriptor.put("mediaType", mediaType);
    descriptor.put("digest", digest);
    descriptor.put("size", size);
    return descriptor;
  }

  /**
   * Parses a manifest or index read from a registry.
   *
   * @throws IllegalArgumentException when it is not a JSON object
   */
  static JsonNode parse(byte[] document) {
    try {
      JsonNode root = JSON.readTree(document);
      if (root.isObject()) {
        return root;
      }
    } catch (JacksonException e) {
      throw new IllegalArgumentException("the document is not JSON: " + e.getOriginalMessage(), e);
    }
    throw new IllegalArgumentException("the document is not a JSON object");
  }
}
