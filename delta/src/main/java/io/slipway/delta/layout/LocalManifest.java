package io.slipway.delta.layout;

import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageReader;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A copy of a signed manifest in which some layers are replaced by their uncompressed tars,
 * annotated with the original's digest. Unknown fields survive. Not thread-safe.
 */
final class LocalManifest {

  static final String OCI_TAR = "application/vnd.oci.image.layer.v1.tar";
  static final String DOCKER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ObjectNode root;
  private final String mediaType;

  private LocalManifest(ObjectNode root, String mediaType) {
    this.root = root;
    this.mediaType = mediaType;
  }

  /** Starts from {@code manifest}, the bytes of the verified manifest {@code original}. */
  static LocalManifest of(Digest original, byte[] manifest) {
    String mediaType = ImageReader.parseManifest(original, manifest).mediaType();
    ObjectNode root = (ObjectNode) JSON.readTree(manifest);
    JsonNode annotations = root.get("annotations");
    ObjectNode target =
        annotations instanceof ObjectNode existing ? existing : root.putObject("annotations");
    target.put(OciLayout.SOURCE_MANIFEST, original.value());
    return new LocalManifest(root, mediaType);
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
    layer.put("mediaType", mediaType.equals(ImageReader.DOCKER_MANIFEST) ? DOCKER_TAR : OCI_TAR);
    layer.put("digest", diffId.value());
    layer.put("size", size);
    // Download locations of the compressed blob do not serve the uncompressed tar.
    layer.remove("urls");
  }

  /** Returns the manifest's media type, the same as the original's. */
  String mediaType() {
    return mediaType;
  }

  /** Returns the manifest as JSON bytes. */
  byte[] toBytes() {
    return JSON.writeValueAsBytes(root);
  }
}
