package io.slipway.delta.layout;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.image.Descriptor;
import io.slipway.delta.image.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code index.json} of a layout as a JSON tree, so that fields this code does not know (other
 * annotations, platforms, other tools' entries) survive a rewrite. Not thread-safe.
 */
final class LayoutIndex {

  /** The content of the {@code oci-layout} marker file. */
  static final String MARKER = "{\"imageLayoutVersion\":\"1.0.0\"}";

  static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ObjectNode root;

  private LayoutIndex(ObjectNode root) {
    this.root = root;
  }

  /** Returns an index with no manifests. */
  static LayoutIndex empty() {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", INDEX_MEDIA_TYPE);
    root.putArray("manifests");
    return new LayoutIndex(root);
  }

  /**
   * Parses {@code bytes}, the content of {@code file}.
   *
   * @throws DeltaException {@code INVALID_IMAGE} when it is not an image index
   */
  static LayoutIndex parse(byte[] bytes, Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JacksonException e) {
      throw invalid(file + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject() || root.path("schemaVersion").asInt(0) != 2) {
      throw invalid(file + " is not an OCI image index with schemaVersion 2");
    }
    if (!root.has("manifests")) {
      ((ObjectNode) root).putArray("manifests");
    } else if (!root.get("manifests").isArray()) {
      throw invalid(file + " has a 'manifests' field that is not an array");
    }
    return new LayoutIndex((ObjectNode) root);
  }

  /**
   * Checks the {@code oci-layout} marker file.
   *
   * @throws DeltaException {@code INVALID_IMAGE} when it names another layout version
   */
  static void checkMarker(Path marker) throws IOException {
    String version;
    try {
      version = JSON.readTree(Files.readAllBytes(marker)).path("imageLayoutVersion").asString("");
    } catch (JacksonException e) {
      throw invalid(marker + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (!version.equals("1.0.0")) {
      throw invalid(marker + " names layout version '" + version + "'; only 1.0.0 is supported");
    }
  }

  /** Returns the digest of the entry named {@code refName}. */
  Optional<Digest> find(String refName) {
    for (JsonNode entry : manifests()) {
      if (refName.equals(entry.path("annotations").path(OciLayout.REF_NAME).asString(null))) {
        return Optional.of(digestOf(entry));
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the digest of the only entry.
   *
   * @throws DeltaException {@code INVALID_IMAGE} when there are none or several
   */
  Digest only(Path dir) {
    if (manifests().size() != 1) {
      throw invalid(
          "The OCI layout "
              + dir
              + " has "
              + manifests().size()
              + " images "
              + refNames()
              + "; name one as oci:DIR:NAME");
    }
    return digestOf(manifests().get(0));
  }

  /** Returns the names of the named entries, in index order. */
  List<String> refNames() {
    List<String> names = new ArrayList<>();
    for (JsonNode entry : manifests()) {
      String name = entry.path("annotations").path(OciLayout.REF_NAME).asString(null);
      if (name != null) {
        names.add(name);
      }
    }
    return names;
  }

  /** Points {@code refName} at {@code manifest}, dropping any entry that had that name. */
  void name(Descriptor manifest, String refName) {
    ArrayNode manifests = manifests();
    Iterator<JsonNode> entries = manifests.iterator();
    while (entries.hasNext()) {
      if (refName.equals(
          entries.next().path("annotations").path(OciLayout.REF_NAME).asString(null))) {
        entries.remove();
      }
    }
    ObjectNode entry = manifests.addObject();
    entry.put("mediaType", manifest.mediaType());
    entry.put("digest", manifest.digest().value());
    entry.put("size", manifest.size());
    entry.putObject("annotations").put(OciLayout.REF_NAME, refName);
  }

  /**
   * Drops every named entry whose name is not in {@code keep}; entries without a name stay.
   *
   * @return the names dropped
   */
  List<String> retain(Set<String> keep) {
    List<String> dropped = new ArrayList<>();
    Iterator<JsonNode> entries = manifests().iterator();
    while (entries.hasNext()) {
      String name = entries.next().path("annotations").path(OciLayout.REF_NAME).asString(null);
      if (name != null && !keep.contains(name)) {
        dropped.add(name);
        entries.remove();
      }
    }
    return dropped;
  }

  /** Returns the index as JSON bytes. */
  byte[] toBytes() {
    return JSON.writeValueAsBytes(root);
  }

  private ArrayNode manifests() {
    return (ArrayNode) root.get("manifests");
  }

  private static Digest digestOf(JsonNode entry) {
    String value = entry.path("digest").asString(null);
    try {
      return Digest.of(value);
    } catch (IllegalArgumentException e) {
      throw invalid("An index entry has an invalid digest: " + e.getMessage());
    }
  }

  private static DeltaException invalid(String message) {
    return new DeltaException(DeltaFailure.INVALID_IMAGE, message);
  }
}
