package io.slipway.agent.store;

import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageReader;
import io.slipway.delta.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The blobs one image of the layout consists of: its manifest, config and layers, and for a local
 * manifest also the signed manifest it stands for. Stateless.
 */
final class ImageBlobs {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ImageBlobs() {}

  /**
   * Returns the blobs that the manifest {@code manifest} names, itself included: the ones the image
   * needs to run. A local manifest's signed manifest is added when the layout contains it, because
   * later deltas name it as their source.
   *
   * @throws IOException when the manifest is missing or unreadable
   * @throws IllegalArgumentException when it is not a manifest with a config and layers
   */
  static Set<Digest> of(OciLayout layout, Digest manifest) throws IOException {
    JsonNode root = read(layout, manifest);
    Set<Digest> blobs = new LinkedHashSet<>();
    blobs.add(manifest);
    blobs.add(Digest.of(root.required("config").required("digest").asString()));
    for (JsonNode layer : root.required("layers")) {
      blobs.add(Digest.of(layer.required("digest").asString()));
    }
    String source = root.path("annotations").path(OciLayout.SOURCE_MANIFEST).asString(null);
    if (source != null && layout.contains(Digest.of(source))) {
      blobs.add(Digest.of(source));
    }
    return blobs;
  }

  private static JsonNode read(OciLayout layout, Digest manifest) throws IOException {
    try (InputStream in = layout.open(manifest)) {
      return JSON.readTree(in.readNBytes(ImageReader.MAX_MANIFEST_BYTES));
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "Manifest " + manifest + " in " + layout.dir() + " is not valid JSON", e);
    }
  }
}
