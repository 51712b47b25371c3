package io.slipway.builder.engine.jib;

import io.slipway.builder.platform.Platform;

/** Converts Slipway platforms to Jib's, which carry no variant. */
final class JibPlatforms {

  private JibPlatforms() {}

  /**
   * Returns Jib's platform for {@code platform}.
   *
   * <p>NOTE: Jib records no variant in the image config, so the config of an image built for
   * linux/arm/v7 names only linux/arm; the index entry that the pipeline writes carries the
   * variant.
   */
  static com.google.cloud.tools.jib.api.buildplan.Platform of(Platform platform) {
    return new com.google.cloud.tools.jib.api.buildplan.Platform(
        platform.architecture(), platform.os());
  }
}
