package io.slipway.builder.plan;

import io.slipway.builder.platform.Platform;
import java.util.Optional;

/**
 * Pins a base image reference to the manifest for one platform, so that every engine builds on
 * exactly the same bytes. The registry-backed implementation reads the reference's manifest or
 * index from the registry and picks the entry for the platform.
 *
 * <p>Implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface BaseImageResolver {

  /**
   * Resolves {@code image} for {@code platform}.
   *
   * @param image a fully qualified reference with a registry host, such as {@code
   *     127.0.0.1:5000/library/alpine:3.20} or {@code host/repo@sha256:...}
   * @param platform the platform the build targets
   * @return {@code host/repository@sha256:<64 hex>} of the platform's manifest, or empty when the
   *     image does not exist or has no manifest for the platform
   * @throws io.slipway.builder.EngineException when the registry cannot be reached
   */
  Optional<String> resolve(String image, Platform platform);
}
