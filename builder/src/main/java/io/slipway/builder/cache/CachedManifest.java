package io.slipway.builder.cache;

import io.slipway.builder.BuildResult;
import io.slipway.builder.platform.Platform;
import java.time.Instant;
import java.util.Objects;

/**
 * A per-platform manifest that an engine pushed for one partition, as stored in the build cache.
 * Immutable.
 *
 * @param repository the repository the manifest was pushed to, such as {@code acme/sensors/web}
 * @param result the pushed manifest: platform, digest, media type and size
 * @param created when the manifest was stored in the cache
 */
public record CachedManifest(String repository, BuildResult result, Instant created) {

  public CachedManifest {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(created, "created");
  }

  /** Returns the platform the manifest was built for. */
  public Platform platform() {
    return result.platform();
  }

  /** Returns the manifest's digest. */
  public String digest() {
    return result.digest();
  }
}
