package io.slipway.api.deploy;

import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parts of a manifest or index that a deploy needs: an index's per-platform entries, or an
 * image manifest's config and layers. OCI and Docker schema 2 documents alike. Immutable.
 *
 * @param index true for an OCI index or Docker manifest list
 * @param entries the index's entries that name a platform, in document order, or empty for a
 *     manifest
 * @param config the image manifest's config, or null for an index
 * @param layers the image manifest's layers in order, or empty for an index
 */
public record ImageDocument(
    boolean index, List<IndexEntry> entries, BlobDescriptor config, List<BlobDescriptor> layers) {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /**
   * A blob that a manifest names.
   *
   * @param mediaType its media type
   * @param digest {@code sha256:} and 64 hex digits
   * @param size its size in bytes
   */
  public record BlobDescriptor(String mediaType, String digest, long size) {}

  /**
   * An entry of an index.
   *
   * @param mediaType the media type of the manifest it names
   * @param digest the manifest's digest
   * @param size the manifest's size in bytes
   * @param platform the platform it is for
   */
  public record IndexEntry(String mediaType, String digest, long size, Platform platform) {}

  public ImageDocument {
    entries = List.copyOf(entries);
    layers = List.copyOf(layers);
  }

  /**
   * Reads {@code manifest}. Index entries without a usable platform, such as attestations with
   * {@code unknown/unknown}, are left out.
   *
   * @throws IllegalArgumentException naming the fault when the document is not JSON, is neither an
   *     index nor an image manifest, or has a descriptor without a sha256 digest and size
   */
  public static ImageDocument parse(Manifest manifest) {
    JsonNode root;
    try {
      root = JSON.readTree(manifest.bytes());
    } catch (JacksonException e) {
      throw new IllegalArgumentException("it is not JSON (" + e.getOriginalMessage() + ")", e);
    }
    String mediaType = root.path("mediaType").asString("");
    if (mediaType.isEmpty()) {
      mediaType = root.has("manifests") ? MediaTypes.OCI_INDEX : manifest.mediaType();
    }
    if (MediaTypes.isIndex(mediaType)) {
      return new ImageDocument(true, entries(root), null, List.of());
    }
    if (MediaTypes.isManifest(mediaType) || root.has("config")) {
      List<BlobDescriptor> layers = new ArrayList<>();
      for (JsonNode layer : root.path("layers")) {
        layers.add(blob(layer, "layer"));
      }
      return new ImageDocument(false, List.of(), blob(root.path("config"), "config"), layers);
    }
    throw new IllegalArgumentException(
        "its media type '"
            + mediaType
            + "' is neither an image manifest nor an index (OCI or Docker schema 2)");
  }

  /** Returns every blob of an image manifest: its config, then its layers. */
  public List<BlobDescriptor> blobs() {
    List<BlobDescriptor> all = new ArrayList<>();
    if (config != null) {
      all.add(config);
    }
    all.addAll(layers);
    return all;
  }

  private static List<IndexEntry> entries(JsonNode root) {
    List<IndexEntry> entries = new ArrayList<>();
    for (JsonNode entry : root.path("manifests")) {
      Platform platform = platform(entry.path("platform"));
      if (platform == null) {
        continue;
      }
      BlobDescriptor manifest = blob(entry, "manifest");
      entries.add(
          new IndexEntry(manifest.mediaType(), manifest.digest(), manifest.size(), platform));
    }
    return entries;
  }

  /**
   * Returns the platform that a descriptor's {@code platform} or an image config states, or null
   * when it states none Slipway can match, such as the {@code unknown/unknown} of attestations.
   */
  public static Platform platform(JsonNode node) {
    List<String> parts = new ArrayList<>();
    for (String field : List.of("os", "architecture", "variant")) {
      String value = node.path(field).asString("");
      if (!value.isEmpty()) {
        parts.add(value);
      } else if (!field.equals("variant")) {
        return null;
      }
    }
    if (parts.get(0).equals("unknown")) {
      return null;
    }
    try {
      return Platform.parse(String.join("/", parts));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static BlobDescriptor blob(JsonNode node, String what) {
    String digest = node.path("digest").asString("");
    long size = node.path("size").asLong(-1);
    if (!DIGEST.matcher(digest).matches() || size < 0) {
      throw new IllegalArgumentException(
          "a "
              + what
              + " descriptor has digest '"
              + digest
              + "' and size "
              + size
              + "; Slipway needs sha256 digests and sizes on every descriptor");
    }
    return new BlobDescriptor(node.path("mediaType").asString(""), digest, size);
  }
}
