package io.slipway.delta.layout;

import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageReader;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A copy of a signed manifest that the layout names in its place, annotated with the original's
 * digest: some layers may be replaced by their uncompressed tars, and a Docker schema 2 original
 * gets OCI media types for the manifest, config and layers, because skopeo and umoci find no image
 * behind a Docker entry of a layout. Blobs stay the same: a Docker config and Docker layer blobs
 * are valid as their OCI counterparts. Unknown fields survive. Not thread-safe.
 */
final class LocalManifest {

  static final String OCI_TAR = "application/vnd.oci.image.layer.v1.tar";

  /** Docker schema 2 media types of configs and layers, and their OCI counterparts. */
  private static final Map<String, String> OCI_TYPES =
      Map.of(
          "application/vnd.docker.container.image.v1+json",
          "application/vnd.oci.image.config.v1+json",
          "application/vnd.docker.image.rootfs.diff.tar",
          OCI_TAR,
          "application/vnd.docker.image.rootfs.diff.tar.gzip",
          "application/vnd.oci.image.layer.v1.tar+gzip",
          "application/vnd.docker.image.rootfs.diff.tar.zstd",
          "application/vnd.oci.image.layer.v1.tar+zstd",
          "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
          "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ObjectNode root;

  private LocalManifest(ObjectNode root) {
    this.root = root;
  }

  /**
   * Starts from {@code manifest}, the bytes of the verified manifest {@code original}, with OCI
   * media types in place of Docker ones.
   */
  static LocalManifest of(Digest original, byte[] manifest) {
    ImageReader.parseManifest(original, manifest);
    ObjectNode root = (ObjectNode) JSON.readTree(manifest);
    root.put("mediaType", ImageReader.OCI_MANIFEST);
    retype(root.get("config"));
    for (JsonNode layer : root.path("layers")) {
      retype(layer);
    }
    JsonNode annotations = root.get("annotations");
    ObjectNode target =
        annotations instanceof ObjectNode existing ? existing : root.putObject("annotations");
    target.put(OciLayout.SOURCE_MANIFEST, original.value());
    return new LocalManifest(root);
  }

  /**
   * Returns whether the layout must name a local manifest in place of a manifest of {@code
   * mediaType}: whether OCI tools would not read it.
   */
  static boolean needsOciTypes(String mediaType) {
    return !ImageReader.OCI_MANIFEST.equals(mediaType);
  }

  private static void retype(JsonNode descriptor) {
    if (descriptor instanceof ObjectNode object) {
      String oci = OCI_TYPES.get(object.path("mediaType").asString(""));
      if (oci != null) {
        object.put("mediaType", oci);
      }
    }
  }

  /**
   * Returns the digest in {@code manifest}'s {@link OciLayout#SOURCE_MANIFEST} annotation, or empty
   * when the bytes are not JSON or carry no valid one.
   */
  static Optional<Digest> sourceOf(byte[] manifest) {
    try {
      JsonNode source = JSON.readTree(manifest).path("annotations").path(OciLayout.SOURCE_MANIFEST);
      return source.isString() ? Optional.of(Digest.of(source.asString())) : Optional.empty();
    } catch (JacksonException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Replaces layer {@code index} by the uncompressed tar {@code diffId} of {@code size} bytes. */
  void replaceLayer(int index, Digest diffId, long size) {
    ObjectNode layer = (ObjectNode) root.get("layers").get(index);
    layer.put("mediaType", OCI_TAR);
    layer.put("digest", diffId.value());
    layer.put("size", size);
    // Download locations of the compressed blob do not serve the uncompressed tar.
    layer.remove("urls");
  }

  /** Returns the manifest's media type: always the OCI image manifest's. */
  String mediaType() {
    return ImageReader.OCI_MANIFEST;
  }

  /** Returns the manifest as JSON bytes. */
  byte[] toBytes() {
    return JSON.writeValueAsBytes(root);
  }
}
