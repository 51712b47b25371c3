package io.slipway.api.delta;

import io.slipway.api.release.ImageReference;
import java.util.Objects;

/**
 * The image one service of a successful release names. Immutable.
 *
 * @param releaseId the release
 * @param invalidated true when a release manager withdrew the release
 * @param service the service's name
 * @param image the image, pinned by digest: an image index or a platform manifest
 */
record ReleaseImage(long releaseId, boolean invalidated, String service, ImageReference image) {

  ReleaseImage {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(image, "image");
  }
}
