package io.slipway.delta.image;

import java.util.List;
import java.util.Objects;

/**
 * One platform's image: its manifest and config as bytes, and its layers with their diff_ids.
 * Immutable; build it with {@link ImageReader}.
 *
 * @param manifestDigest the digest of {@code manifest}
 * @param manifestMediaType the manifest's media type (OCI or Docker schema 2)
 * @param manifest the manifest's bytes
 * @param config the config blob's descriptor
 * @param configBytes the config blob's bytes
 * @param layers the layers in manifest order, each with the config's diff_id at its position
 */
public record Image(
    Digest manifestDigest,
    String manifestMediaType,
    byte[] manifest,
    Descriptor config,
    byte[] configBytes,
    List<Layer> layers) {

  public Image {
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(manifestMediaType, "manifestMediaType");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(configBytes, "configBytes");
    layers = List.copyOf(layers);
  }
}
