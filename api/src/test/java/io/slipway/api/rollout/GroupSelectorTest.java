package io.slipway.api.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.rollout.GroupSelector.Candidate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class GroupSelectorTest {

  private static List<Candidate> fleet(int size) {
    return LongStream.rangeClosed(1, size)
        .mapToObj(id -> new Candidate(id, "%032x".formatted(id * 7919), Set.of()))
        .toList();
  }

  private static Set<Long> ids(List<Candidate> devices) {
    return devices.stream().map(Candidate::id).collect(Collectors.toSet());
  }

  @Test
  void percentageRoundsTheShareUp() {
    List<Candidate> chosen =
        GroupSelector.select(RolloutGroupSpec.percentage(10), fleet(15), Set.of());

    assertThat(chosen).hasSize(2);
  }

  @Test
  void percentageOfSmallFleetTakesOneDevice() {
    List<Candidate> chosen =
        GroupSelector.select(RolloutGroupSpec.percentage(1), fleet(3), Set.of());

    assertThat(chosen).hasSize(1);
  }

  @Test
  void selectionIgnoresCandidateOrder() {
    List<Candidate> reversed = new ArrayList<>(fleet(40));
    java.util.Collections.reverse(reversed);

    List<Candidate> first =
        GroupSelector.select(RolloutGroupSpec.percentage(25), fleet(40), Set.of());
    List<Candidate> second =
        GroupSelector.select(RolloutGroupSpec.percentage(25), reversed, Set.of());

    assertThat(second).isEqualTo(first);
  }

  @Test
  void percentagesAreCumulative() {
    List<Candidate> devices = fleet(20);
    Set<Long> moved = ids(GroupSelector.select(RolloutGroupSpec.percentage(10), devices, Set.of()));

    List<Candidate> next = GroupSelector.select(RolloutGroupSpec.percentage(50), devices, moved);

    assertThat(moved.size() + next.size()).isEqualTo(10);
  }

  @Test
  void laterGroupSkipsMovedDevices() {
    List<Candidate> devices = fleet(20);
    Set<Long> moved = ids(GroupSelector.select(RolloutGroupSpec.percentage(30), devices, Set.of()));

    List<Candidate> next = GroupSelector.select(RolloutGroupSpec.percentage(100), devices, moved);

    assertThat(ids(next)).doesNotContainAnyElementsOf(moved);
  }

  @Test
  void wholeFleetGroupTakesTheRest() {
    List<Candidate> devices = fleet(20);
    Set<Long> moved = ids(GroupSelector.select(RolloutGroupSpec.percentage(30), devices, Set.of()));

    List<Candidate> next = GroupSelector.select(RolloutGroupSpec.percentage(100), devices, moved);

    assertThat(moved.size() + next.size()).isEqualTo(20);
  }

  @Test
  void tagGroupTakesUnmovedTaggedDevices() {
    List<Candidate> devices =
        List.of(
            new Candidate(1, "a1", Set.of("canary")),
            new Candidate(2, "a2", Set.of("canary", "lab")),
            new Candidate(3, "a3", Set.of("lab")));

    List<Candidate> chosen =
        GroupSelector.select(RolloutGroupSpec.tag("canary"), devices, Set.of(2L));

    assertThat(ids(chosen)).containsExactly(1L);
  }

  @Test
  void tagGroupCountsTowardsPercentage() {
    List<Candidate> devices = new ArrayList<>(fleet(10));
    devices.set(0, new Candidate(1, devices.get(0).uuid(), Set.of("canary")));
    devices.set(1, new Candidate(2, devices.get(1).uuid(), Set.of("canary")));
    Set<Long> moved =
        new HashSet<>(ids(GroupSelector.select(RolloutGroupSpec.tag("canary"), devices, Set.of())));

    List<Candidate> next = GroupSelector.select(RolloutGroupSpec.percentage(50), devices, moved);

    assertThat(next).hasSize(3);
  }

  @Test
  void reachedPercentageTakesNothing() {
    List<Candidate> devices = fleet(10);
    Set<Long> moved = ids(GroupSelector.select(RolloutGroupSpec.percentage(60), devices, Set.of()));

    List<Candidate> next = GroupSelector.select(RolloutGroupSpec.percentage(50), devices, moved);

    assertThat(next).isEmpty();
  }

  @Test
  void emptyFleetGivesEmptyGroup() {
    assertThat(GroupSelector.select(RolloutGroupSpec.percentage(100), List.of(), Set.of()))
        .isEmpty();
  }
}
