package io.slipway.api.signature;

import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The referrers tag fallback of the OCI Distribution Specification 1.1: for a registry without the
 * referrers API, an OCI index at tag {@code sha256-HEX} (the subject's digest with the colon
 * replaced) lists the descriptors of the manifests that refer to that subject.
 */
final class FallbackIndex {

  private FallbackIndex() {}

  /** Returns the fallback tag of {@code subjectDigest}, {@code sha256-HEX}. */
  static String tag(String subjectDigest) {
    return subjectDigest.replace(':', '-');
  }

  /**
   * Returns the index that {@code existing} becomes with {@code referrer} listed, or empty when it
   * already lists that digest. Entries already listed are kept as they are, unknown fields too.
   *
   * @param existing the index now at the tag, or empty when the tag does not exist
   * @param referrer the referrer manifest to list, whose artifact type and annotations the entry
   *     repeats
   * @throws IllegalArgumentException when {@code existing} is not an OCI index
   */
  static Optional<Manifest> adding(Optional<Manifest> existing, Manifest referrer) {
    ObjectNode root = existing.map(FallbackIndex::parseIndex).orElseGet(FallbackIndex::emptyIndex);
    ArrayNode manifests = (ArrayNode) root.get("manifests");
    for (JsonNode entry : manifests) {
      if (referrer.digest().equals(entry.path("digest").asString(""))) {
        return Optional.empty();
      }
    }
    ObjectNode entry =
        ReferrerManifest.descriptor(referrer.mediaType(), referrer.digest(), referrer.size());
    JsonNode document = ReferrerManifest.parse(referrer.bytes());
    if (document.path("artifactType").isString()) {
      entry.set("artifactType", document.get("artifactType"));
    }
    if (document.path("annotations").isObject()) {
      entry.set("annotations", document.get("annotations"));
    }
    manifests.add(entry);
    byte[] bytes = ReferrerManifest.JSON.writeValueAsBytes(root);
    return Optional.of(Manifest.of(MediaTypes.OCI_INDEX, bytes));
  }

  private static ObjectNode parseIndex(Manifest existing) {
    if (!MediaTypes.OCI_INDEX.equals(existing.mediaType())) {
      throw new IllegalArgumentException(
          "the tag points to a " + existing.mediaType() + ", not an OCI index of referrers");
    }
    JsonNode root = ReferrerManifest.parse(existing.bytes());
    if (!root.path("manifests").isArray()) {
      throw new IllegalArgumentException("the index at the tag has no 'manifests' array");
    }
    return (ObjectNode) root;
  }

  private static ObjectNode emptyIndex() {
    ObjectNode root = ReferrerManifest.JSON.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", MediaTypes.OCI_INDEX);
    root.putArray("manifests");
    return root;
  }
}
