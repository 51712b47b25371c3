package io.slipway.agent.engine;

import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.image.ImageReader;
import io.slipway.delta.layout.OciLayout;
import io.slipway.testing.image.BusyboxImages;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Map;

/** Writes locally built busybox images into an OCI layout, as the agent's store keeps them. */
final class LayoutImages {

  private LayoutImages() {}

  /** Writes the amd64 busybox image of {@code variant} as {@code refName}; returns its manifest. */
  static Digest write(OciLayout layout, String variant, String refName) {
    BusyboxImages.Image image = BusyboxImages.amd64(variant);
    Map<Digest, byte[]> blobs =
        Map.of(
            Digest.of(image.layer()), image.layer(),
            Digest.of(image.config()), image.config(),
            Digest.of(image.manifest()), image.manifest());
    ImageContent content =
        digest -> {
          byte[] blob = blobs.get(digest);
          if (blob == null) {
            throw new NoSuchFileException(digest.value());
          }
          return (InputStream) new ByteArrayInputStream(blob);
        };
    Digest manifest = Digest.of(image.manifest());
    layout.writeImage(content, ImageReader.read(content, manifest), refName);
    return manifest;
  }

  /** Returns the config digest of the variant's image: the image id the engine gives it. */
  static Digest imageId(String variant) {
    return Digest.of(BusyboxImages.amd64(variant).config());
  }
}
