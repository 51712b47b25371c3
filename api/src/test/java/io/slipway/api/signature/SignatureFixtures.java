package io.slipway.api.signature;

import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * Small images and signatures for the layout tests. The bundles are JSON documents with the bundle
 * media type but no real signature, because the layouts store and return them without looking
 * inside. The simple signatures are real ECDSA P-256 signatures over simple-signing payloads.
 */
final class SignatureFixtures {

  /** The key that signs every simple-signing payload of these tests. */
  static final LocalSigner SIGNER = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);

  private SignatureFixtures() {}

  /**
   * Pushes a one-layer linux/amd64 image with unique content to {@code repository:tag} and returns
   * its manifest's descriptor.
   */
  static Descriptor pushImage(RegistryClient client, String repository, String tag) {
    byte[] layer = ("layer " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    String layerDigest = client.pushBlob(repository, layer);
    byte[] config =
        """
        {"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]}}"""
            .formatted(layerDigest)
            .getBytes(StandardCharsets.UTF_8);
    String configDigest = client.pushBlob(repository, config);
    String json =
        """
        {"schemaVersion":2,"mediaType":"%s",\
        "config":{"mediaType":"%s","digest":"%s","size":%d},\
        "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}"""
            .formatted(
                MediaTypes.OCI_MANIFEST,
                MediaTypes.OCI_CONFIG,
                configDigest,
                config.length,
                layerDigest,
                layer.length);
    Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8));
    client.putManifest(repository, tag, manifest);
    return Descriptor.of(manifest, null);
  }

  /** Pushes an OCI index over {@code manifest} for linux/amd64 to {@code repository:tag}. */
  static Descriptor pushIndex(
      RegistryClient client, String repository, String tag, Descriptor manifest) {
    String json =
        """
        {"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","digest":"%s",\
        "size":%d,"platform":{"architecture":"amd64","os":"linux"}}]}"""
            .formatted(
                MediaTypes.OCI_INDEX, manifest.mediaType(), manifest.digest(), manifest.size());
    Manifest index = Manifest.of(MediaTypes.OCI_INDEX, json.getBytes(StandardCharsets.UTF_8));
    client.putManifest(repository, tag, index);
    return Descriptor.of(index, null);
  }

  /** Returns a stand-in bundle document, distinct for each {@code label}. */
  static byte[] bundle(String label) {
    return ("{\"mediaType\":\"" + Bundle.MEDIA_TYPE + "\",\"label\":\"" + label + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Returns a simple-signing payload for {@code repository@digest}, distinct for each label. */
  static byte[] payload(String repository, String digest, String label) {
    return """
        {"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},\
        "type":"cosign container image signature"},"optional":{"label":"%s"}}"""
        .formatted(repository, digest, label)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Returns the base64 DER signature of {@link #SIGNER} over {@code payload}. */
  static String sign(byte[] payload) {
    return Base64.getEncoder().encodeToString(SIGNER.sign(payload));
  }
}
