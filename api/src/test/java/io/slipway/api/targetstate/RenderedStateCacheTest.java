package io.slipway.api.targetstate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RenderedStateCacheTest {

  private static RenderedState state(long deviceId, long fleetVersion) {
    return new RenderedState(new StateVersions(deviceId, 1, fleetVersion, 0), null, new byte[0]);
  }

  @Test
  void exactVersionsHit() {
    RenderedStateCache cache = new RenderedStateCache(10);
    cache.put(state(1, 5));

    assertThat(cache.get(new StateVersions(1, 1, 5, 0))).isNotNull();
  }

  @Test
  void bumpedVersionMisses() {
    RenderedStateCache cache = new RenderedStateCache(10);
    cache.put(state(1, 5));

    assertThat(cache.get(new StateVersions(1, 1, 6, 0))).isNull();
  }

  @Test
  void keepsOneEntryPerDevice() {
    RenderedStateCache cache = new RenderedStateCache(10);
    cache.put(state(1, 5));
    cache.put(state(1, 6));

    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void leastRecentlyUsedDeviceIsDropped() {
    RenderedStateCache cache = new RenderedStateCache(2);
    cache.put(state(1, 0));
    cache.put(state(2, 0));
    cache.get(new StateVersions(1, 1, 0, 0));

    cache.put(state(3, 0));

    assertThat(cache.get(new StateVersions(2, 1, 0, 0))).isNull();
  }
}
