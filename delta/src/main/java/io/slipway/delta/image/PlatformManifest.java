package io.slipway.delta.image;

import java.util.List;
import java.util.Objects;

/**
 * A parsed platform manifest before its config is read: what {@link ImageReader#parseManifest}
 * returns. Immutable apart from the bytes array, which callers must not change.
 *
 * @param digest the manifest's digest
 * @param mediaType the manifest's media type (OCI or Docker schema 2)
 * @param bytes the manifest's bytes
 * @param config the config blob's descriptor
 * @param layers the layer blobs' descriptors in manifest order
 */
public record PlatformManifest(
    Digest digest, String mediaType, byte[] bytes, Descriptor config, List<Descriptor> layers) {

  public PlatformManifest {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
  }
}
