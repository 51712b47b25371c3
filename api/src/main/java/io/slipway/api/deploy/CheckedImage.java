package io.slipway.api.deploy;

import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A service's image after the platform check: the manifest chosen for each platform of the fleet.
 * Immutable.
 *
 * @param source the image as resolved
 * @param manifests one chosen manifest per platform of the fleet, in the fleet's order
 */
public record CheckedImage(SourceImage source, List<PlatformManifest> manifests) {

  /**
   * The manifest chosen for one platform of the fleet.
   *
   * @param wanted the fleet's platform
   * @param offered the platform the manifest states, which a device of {@code wanted} runs
   * @param manifest the manifest as stored
   * @param document its config and layers
   */
  public record PlatformManifest(
      Platform wanted, Platform offered, Manifest manifest, ImageDocument document) {}

  public CheckedImage {
    Objects.requireNonNull(source, "source");
    manifests = List.copyOf(manifests);
  }

  /**
   * Returns the distinct chosen manifests, first occurrence kept: two platforms of the fleet may
   * run the same manifest, such as {@code linux/arm/v7} and {@code linux/arm/v6} devices on a v6
   * image.
   */
  public List<PlatformManifest> distinctManifests() {
    List<PlatformManifest> distinct = new ArrayList<>();
    for (PlatformManifest chosen : manifests) {
      boolean seen =
          distinct.stream()
              .anyMatch(other -> other.manifest().digest().equals(chosen.manifest().digest()));
      if (!seen) {
        distinct.add(chosen);
      }
    }
    return distinct;
  }
}
