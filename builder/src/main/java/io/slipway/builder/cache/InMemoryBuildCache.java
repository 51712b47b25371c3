package io.slipway.builder.cache;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A build cache in this process's memory, lost when it exits. For tests and for single-shot builds
 * such as the command line's. Safe for concurrent use.
 */
public final class InMemoryBuildCache implements BuildCache {

  private final ConcurrentMap<String, CachedManifest> entries = new ConcurrentHashMap<>();

  @Override
  public Optional<CachedManifest> find(String cacheKey) {
    return Optional.ofNullable(entries.get(Objects.requireNonNull(cacheKey, "cacheKey")));
  }

  @Override
  public void put(String cacheKey, CachedManifest manifest) {
    entries.put(Objects.requireNonNull(cacheKey, "cacheKey"), Objects.requireNonNull(manifest));
  }

  @Override
  public void remove(String cacheKey) {
    entries.remove(Objects.requireNonNull(cacheKey, "cacheKey"));
  }

  /** Returns the number of entries. */
  public int size() {
    return entries.size();
  }
}
