package io.slipway.api.targetstate;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.release.Release;
import io.slipway.api.release.ReleaseSource;
import io.slipway.api.release.ReleaseStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetRuleTest {

  private static final long FLEET = 1;

  private final Map<Long, Release> releases = new HashMap<>();
  private Release latest;

  @Test
  void devicePinComesFirst() {
    add(release(10), release(11), release(12));
    latest = release(13);

    assertThat(resolve(new TargetInputs(1, FLEET, 10L, 11L, false, 12L))).contains(10L);
  }

  @Test
  void rolloutComesBeforeTheFleetTarget() {
    add(release(11), release(12));

    assertThat(resolve(new TargetInputs(1, FLEET, null, 11L, false, 12L))).contains(11L);
  }

  @Test
  void pinnedFleetTargetComesBeforeTheLatest() {
    add(release(12));
    latest = release(13);

    assertThat(resolve(new TargetInputs(1, FLEET, null, null, false, 12L))).contains(12L);
  }

  @Test
  void trackingFleetIgnoresItsStaleTarget() {
    add(release(12));
    latest = release(13);

    assertThat(resolve(new TargetInputs(1, FLEET, null, null, true, 12L))).contains(13L);
  }

  @Test
  void invalidatedPinFallsThroughToTheNextRule() {
    add(invalidated(10), release(11));

    assertThat(resolve(new TargetInputs(1, FLEET, 10L, 11L, false, null))).contains(11L);
  }

  @Test
  void failedReleaseIsNoTarget() {
    add(failed(12));
    latest = release(9);

    assertThat(resolve(new TargetInputs(1, FLEET, null, null, false, 12L))).contains(9L);
  }

  @Test
  void releaseOfAnotherFleetIsNoTarget() {
    releases.put(
        10L,
        new Release(
            10,
            2,
            ReleaseStatus.SUCCESS,
            ReleaseSource.API,
            null,
            "1.0.0",
            "t",
            0,
            1L,
            false,
            null,
            null));
    latest = release(9);

    assertThat(resolve(new TargetInputs(1, FLEET, 10L, null, true, null))).contains(9L);
  }

  @Test
  void noReleaseAtAllIsNoTarget() {
    assertThat(resolve(new TargetInputs(1, FLEET, null, null, true, null))).isEmpty();
  }

  private Optional<Long> resolve(TargetInputs inputs) {
    return TargetRule.resolve(
            inputs, id -> Optional.ofNullable(releases.get(id)), () -> Optional.ofNullable(latest))
        .map(Release::id);
  }

  private void add(Release... added) {
    for (Release release : added) {
      releases.put(release.id(), release);
    }
  }

  private static Release release(long id) {
    return new Release(
        id,
        FLEET,
        ReleaseStatus.SUCCESS,
        ReleaseSource.API,
        null,
        "0.0." + id,
        "t",
        0,
        1L,
        false,
        null,
        null);
  }

  private static Release invalidated(long id) {
    return new Release(
        id,
        FLEET,
        ReleaseStatus.SUCCESS,
        ReleaseSource.API,
        null,
        "0.0." + id,
        "t",
        0,
        1L,
        true,
        2L,
        "manager");
  }

  private static Release failed(long id) {
    return new Release(
        id,
        FLEET,
        ReleaseStatus.FAILED,
        ReleaseSource.API,
        null,
        "0.0." + id,
        "t",
        0,
        1L,
        false,
        null,
        null);
  }
}
