package io.slipway.api.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RolloutDeciderTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final RolloutPolicy POLICY = new RolloutPolicy(0.9, 0.1, Duration.ofMinutes(30));

  private static RolloutDecision decide(GroupCounts counts, boolean last, Duration elapsed) {
    return RolloutDecider.decide(counts, POLICY, last, START, START.plus(elapsed));
  }

  private static RolloutDecision decide(GroupCounts counts) {
    return decide(counts, false, Duration.ofMinutes(1));
  }

  @Test
  void waitsWhileDevicesArePending() {
    assertThat(decide(new GroupCounts(10, 3, 0, 7))).isEqualTo(RolloutDecision.WAIT);
  }

  @Test
  void widensWhenTheSuccessShareIsReachedExactly() {
    assertThat(decide(new GroupCounts(10, 9, 0, 1))).isEqualTo(RolloutDecision.WIDEN);
  }

  @Test
  void waitsOneDeviceShortOfTheSuccessShare() {
    assertThat(decide(new GroupCounts(10, 8, 0, 2))).isEqualTo(RolloutDecision.WAIT);
  }

  @Test
  void completesWhenTheLastGroupSucceeds() {
    assertThat(decide(new GroupCounts(10, 10, 0, 0), true, Duration.ofMinutes(1)))
        .isEqualTo(RolloutDecision.COMPLETE);
  }

  @Test
  void pausesWhenFailuresExceedTheThreshold() {
    assertThat(decide(new GroupCounts(10, 0, 2, 8))).isEqualTo(RolloutDecision.PAUSE);
  }

  @Test
  void failuresAtTheThresholdDoNotPause() {
    assertThat(decide(new GroupCounts(10, 0, 1, 9))).isEqualTo(RolloutDecision.WAIT);
  }

  @Test
  void failuresPauseEvenWhenEnoughDevicesSucceeded() {
    RolloutPolicy lenient = new RolloutPolicy(0.5, 0.1, Duration.ofMinutes(30));

    RolloutDecision decision =
        RolloutDecider.decide(
            new GroupCounts(10, 6, 4, 0), lenient, false, START, START.plusSeconds(60));

    assertThat(decision).isEqualTo(RolloutDecision.PAUSE);
  }

  @Test
  void zeroFailureThresholdPausesOnFirstFailure() {
    RolloutPolicy strict = new RolloutPolicy(0.9, 0, Duration.ofMinutes(30));

    RolloutDecision decision =
        RolloutDecider.decide(
            new GroupCounts(100, 0, 1, 99), strict, false, START, START.plusSeconds(60));

    assertThat(decision).isEqualTo(RolloutDecision.PAUSE);
  }

  @Test
  void emptyGroupWidensAtOnce() {
    assertThat(decide(GroupCounts.empty())).isEqualTo(RolloutDecision.WIDEN);
  }

  @Test
  void emptyLastGroupCompletes() {
    assertThat(decide(GroupCounts.empty(), true, Duration.ZERO))
        .isEqualTo(RolloutDecision.COMPLETE);
  }

  @Test
  void pausesAtTheDeadlineWithoutEnoughSuccesses() {
    RolloutPolicy wideGap = new RolloutPolicy(0.95, 0.2, Duration.ofMinutes(30));

    RolloutDecision decision =
        RolloutDecider.decide(
            new GroupCounts(10, 9, 1, 0),
            wideGap,
            false,
            START,
            START.plus(Duration.ofMinutes(30)));

    assertThat(decision).isEqualTo(RolloutDecision.PAUSE);
  }

  @Test
  void waitsJustBeforeTheDeadline() {
    RolloutPolicy wideGap = new RolloutPolicy(0.95, 0.2, Duration.ofMinutes(30));
    Instant justBefore = START.plus(Duration.ofMinutes(30)).minusMillis(1);

    RolloutDecision decision =
        RolloutDecider.decide(new GroupCounts(10, 9, 1, 0), wideGap, false, START, justBefore);

    assertThat(decision).isEqualTo(RolloutDecision.WAIT);
  }

  @Test
  void widensPastTheDeadlineWhenEnoughSucceeded() {
    assertThat(decide(new GroupCounts(10, 9, 1, 0), false, Duration.ofHours(2)))
        .isEqualTo(RolloutDecision.WIDEN);
  }

  @Test
  void singleDeviceGroupWidensOnSuccess() {
    assertThat(decide(new GroupCounts(1, 1, 0, 0))).isEqualTo(RolloutDecision.WIDEN);
  }

  @Test
  void singleDeviceGroupPausesOnFailure() {
    assertThat(decide(new GroupCounts(1, 0, 1, 0))).isEqualTo(RolloutDecision.PAUSE);
  }

  @Test
  void inexactThresholdsMatchExactShares() {
    RolloutPolicy sevenTenths = new RolloutPolicy(0.7, 0.3, Duration.ofMinutes(30));

    RolloutDecision atSuccess =
        RolloutDecider.decide(
            new GroupCounts(10, 7, 3, 0), sevenTenths, false, START, START.plusSeconds(1));

    assertThat(atSuccess).isEqualTo(RolloutDecision.WIDEN);
  }
}
