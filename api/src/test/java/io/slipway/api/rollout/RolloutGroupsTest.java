package io.slipway.api.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutGroupsTest {

  @Test
  void missingWholeFleetGroupIsAdded() {
    RolloutGroups groups =
        RolloutGroups.of(List.of(RolloutGroupSpec.tag("canary"), RolloutGroupSpec.percentage(10)));

    assertThat(groups.groups())
        .containsExactly(
            RolloutGroupSpec.tag("canary"),
            RolloutGroupSpec.percentage(10),
            RolloutGroupSpec.percentage(100));
  }

  @Test
  void requestEndingAtWholeFleetIsKept() {
    RolloutGroups groups =
        RolloutGroups.of(
            List.of(RolloutGroupSpec.percentage(10), RolloutGroupSpec.percentage(100)));

    assertThat(groups.size()).isEqualTo(2);
  }

  @Test
  void emptyRequestIsOneWholeFleetGroup() {
    assertThat(RolloutGroups.of(List.of()).groups())
        .containsExactly(RolloutGroupSpec.percentage(100));
  }

  @Test
  void fallingPercentageIsRejectedByPosition() {
    List<RolloutGroupSpec> requested =
        List.of(RolloutGroupSpec.percentage(50), RolloutGroupSpec.percentage(20));

    assertThatThrownBy(() -> RolloutGroups.of(requested))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("group 1 has percentage 20");
  }

  @Test
  void groupAfterWholeFleetIsRejected() {
    List<RolloutGroupSpec> requested =
        List.of(RolloutGroupSpec.percentage(100), RolloutGroupSpec.tag("late"));

    assertThatThrownBy(() -> RolloutGroups.of(requested))
        .hasMessageContaining("group 1 follows a 100% group");
  }

  @Test
  void groupWithPercentageAndTagIsRejected() {
    assertThatThrownBy(() -> new RolloutGroupSpec(10, "canary")).hasMessageContaining("not both");
  }

  @Test
  void percentageAboveHundredIsRejected() {
    assertThatThrownBy(() -> RolloutGroupSpec.percentage(101)).hasMessageContaining("101");
  }

  @Test
  void tagWithControlCharacterIsRejected() {
    assertThatThrownBy(() -> RolloutGroupSpec.tag("a\tb"))
        .hasMessageContaining("control characters");
  }

  @Test
  void policyShareAboveOneIsRejected() {
    assertThatThrownBy(() -> new RolloutPolicy(1.5, 0.1, RolloutPolicy.DEFAULT_DEADLINE))
        .hasMessageContaining("successThreshold 1.5");
  }

  @Test
  void policyNegativeDeadlineIsRejected() {
    assertThatThrownBy(() -> new RolloutPolicy(0.9, 0.1, java.time.Duration.ofMinutes(-1)))
        .hasMessageContaining("PT-1M");
  }
}
