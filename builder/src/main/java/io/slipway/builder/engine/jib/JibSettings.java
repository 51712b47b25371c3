package io.slipway.builder.engine.jib;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link JibEngine}. Immutable.
 *
 * <p>NOTE: nothing prunes the base layer cache. It grows with every distinct base layer until the
 * directory is cleared.
 *
 * @param cacheDirectory where Jib keeps its base image layer cache (in {@code base} below it),
 *     shared by concurrent builds, and the engine one scratch directory per build (in {@code work})
 * @param registryTimeout the limit for each registry request the engine makes itself
 */
public record JibSettings(Path cacheDirectory, Duration registryTimeout) {

  /**
   * @throws IllegalArgumentException when the timeout is not positive
   */
  public JibSettings {
    Objects.requireNonNull(cacheDirectory, "cacheDirectory");
    Objects.requireNonNull(registryTimeout, "registryTimeout");
    if (registryTimeout.isNegative() || registryTimeout.isZero()) {
      throw new IllegalArgumentException(
          "Registry timeout " + registryTimeout + " must be positive, such as PT60S");
    }
  }

  /** Returns settings with {@code cacheDirectory} and a 60-second registry timeout. */
  public static JibSettings in(Path cacheDirectory) {
    return new JibSettings(cacheDirectory, Duration.ofSeconds(60));
  }

  Path baseLayersCache() {
    return cacheDirectory.resolve("base");
  }

  Path workDirectory() {
    return cacheDirectory.resolve("work");
  }
}
