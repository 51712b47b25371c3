package io.slipway.builder;

import java.nio.file.Path;

/**
 * Builds one service of a project into an OCI image for one platform and pushes it to the registry
 * with a short-lived push grant for one fleet. Jib, a Docker engine and BuildKit sit behind this
 * interface.
 *
 * <p>NOTE: no engine exists yet; they arrive with the builder farm.
 */
public interface BuildEngine {

  /**
   * Builds the service whose build context is {@code context} for {@code platform} (such as {@code
   * linux/arm64}) and pushes it to {@code imageReference}; returns the pushed manifest's digest.
   */
  String build(Path context, String platform, String imageReference);
}
