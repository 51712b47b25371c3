package io.slipway.api.signature;

import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.signing.simplesigning.SimpleSigning;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cosign's classic signature layout: an OCI image manifest at tag {@code sha256-HEX.sig} with one
 * layer per signature. Each layer's blob is a simple-signing payload and its {@code
 * dev.cosignproject.cosign/signature} annotation the base64 DER signature over that blob. The
 * config is an image config whose {@code rootfs.diff_ids} list the layers, the shape cosign writes.
 */
final class ClassicManifest {

  /**
   * The creation time cosign writes into the config: Go's zero time, so configs are reproducible.
   */
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private ClassicManifest() {}

  /** Returns the classic tag of {@code subjectDigest}, {@code sha256-HEX.sig}. */
  static String tag(String subjectDigest) {
    return subjectDigest.replace(':', '-') + ".sig";
  }

  /**
   * Returns the layer objects of a classic manifest, every one kept as stored.
   *
   * @throws IllegalArgumentException when the document is not an image manifest
   */
  static List<ObjectNode> layers(Manifest manifest) {
    if (!MediaTypes.isManifest(manifest.mediaType())) {
      throw new IllegalArgumentException(
          "the tag points to a " + manifest.mediaType() + ", not an image manifest");
    }
    JsonNode root = ReferrerManifest.parse(manifest.bytes());
    List<ObjectNode> layers = new ArrayList<>();
    for (JsonNode layer : root.path("layers")) {
      if (layer instanceof ObjectNode object) {
        layers.add(object);
      }
    }
    return layers;
  }

  /** Returns true when {@code layer} is a simple-signing payload. */
  static boolean isSignature(JsonNode layer) {
    return SimpleSigning.MEDIA_TYPE.equals(layer.path("mediaType").asString(""));
  }

  /** Returns the layer's signature annotation, or null when it has none. */
  static String signatureOf(JsonNode layer) {
    JsonNode value = layer.path("annotations").path(SimpleSigning.SIGNATURE_ANNOTATION);
    return value.isString() ? value.asString() : null;
  }

  /** Returns true when a layer has the payload {@code payloadDigest} and this signature. */
  static boolean contains(List<ObjectNode> layers, String payloadDigest, String signatureBase64) {
    for (JsonNode layer : layers) {
      if (isSignature(layer)
          && payloadDigest.equals(layer.path("digest").asString(""))
          && signatureBase64.equals(signatureOf(layer))) {
        return true;
      }
    }
    return false;
  }

  /** Returns the layer object of one signature. */
  static ObjectNode layer(String payloadDigest, long payloadSize, String signatureBase64) {
    ObjectNode layer =
        ReferrerManifest.descriptor(SimpleSigning.MEDIA_TYPE, payloadDigest, payloadSize);
    layer.putObject("annotations").put(SimpleSigning.SIGNATURE_ANNOTATION, signatureBase64);
    return layer;
  }

  /**
   * Returns the image config for {@code layers}: empty architecture and OS, one {@code rootfs} diff
   * ID and one history entry per layer. A payload is stored uncompressed, so its diff ID is its
   * digest.
   */
  static byte[] config(List<ObjectNode> layers) {
    ObjectNode root = ReferrerManifest.JSON.createObjectNode();
    root.put("architecture", "");
    root.put("created", ZERO_TIME);
    ArrayNode history = root.putArray("history");
    root.put("os", "");
    ObjectNode rootfs = root.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    for (JsonNode layer : layers) {
      history.addObject().put("created", ZERO_TIME);
      diffIds.add(layer.path("digest").asString(""));
    }
    root.putObject("config");
    return ReferrerManifest.JSON.writeValueAsBytes(root);
  }

  /** Returns the classic manifest over {@code config} and {@code layers}. */
  static Manifest manifest(String configDigest, long configSize, List<ObjectNode> layers) {
    ObjectNode root = ReferrerManifest.JSON.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", MediaTypes.OCI_MANIFEST);
    root.set(
        "config", ReferrerManifest.descriptor(MediaTypes.OCI_CONFIG, configDigest, configSize));
    ArrayNode array = root.putArray("layers");
    layers.forEach(array::add);
    return Manifest.of(MediaTypes.OCI_MANIFEST, ReferrerManifest.JSON.writeValueAsBytes(root));
  }
}
