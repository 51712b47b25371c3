package io.slipway.builder.cache;

import java.util.Optional;

/**
 * Maps a partition's cache key to the manifest built for it, so a rebuild with no change reuses the
 * pushed manifest instead of calling an engine.
 *
 * <p>A cache key covers everything that decides a partition's image: the prepared context's
 * content, the resolved Dockerfile (with base images pinned by digest), the build arguments, the
 * target stage, the platform, the engine and the repository. An entry only records that the
 * manifest was pushed once. The caller checks that the registry still has it before reusing it.
 *
 * <p>Implementations are safe for concurrent use. Two partitions that store the same key at once
 * leave one of the two entries.
 */
public interface BuildCache {

  /**
   * Returns the manifest stored for {@code cacheKey}, or empty when there is none.
   *
   * @throws BuildCacheException when the cache cannot be read
   */
  Optional<CachedManifest> find(String cacheKey);

  /**
   * Stores {@code manifest} under {@code cacheKey}, replacing any earlier entry.
   *
   * @throws BuildCacheException when the cache cannot be written
   */
  void put(String cacheKey, CachedManifest manifest);

  /**
   * Removes the entry for {@code cacheKey}, such as when the registry no longer has its manifest.
   * Does nothing when there is no entry.
   *
   * @throws BuildCacheException when the cache cannot be written
   */
  void remove(String cacheKey);
}
