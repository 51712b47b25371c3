package io.slipway.api.targetstate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recently used rendered target states, one per device, at most {@code capacity} of them.
 * An entry counts only for the exact versions it was rendered for, so a bumped version makes it
 * stale without any invalidation. Safe for concurrent use; each call holds a lock for one map
 * operation.
 */
final class RenderedStateCache {

  private final Map<Long, RenderedState> entries;

  /**
   * @param capacity most devices to keep; the least recently used one goes first
   */
  RenderedStateCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "Target state cache capacity must be at least 1, was " + capacity);
    }
    this.entries =
        new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, RenderedState> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Returns the state rendered for exactly {@code versions}, or null. */
  synchronized RenderedState get(StateVersions versions) {
    RenderedState state = entries.get(versions.deviceId());
    return state != null && state.versions().equals(versions) ? state : null;
  }

  /** Keeps {@code state} as the device's latest rendering, replacing an older one. */
  synchronized void put(RenderedState state) {
    entries.put(state.versions().deviceId(), state);
  }

  synchronized int size() {
    return entries.size();
  }
}
