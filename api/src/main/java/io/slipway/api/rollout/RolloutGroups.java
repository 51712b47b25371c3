package io.slipway.api.rollout;

import java.util.ArrayList;
import java.util.List;

/**
 * The ordered groups of a rollout, checked: percentages rise from group to group and nothing
 * follows a 100% group. The last group is always 100% of the fleet, added when the request ends
 * otherwise, so a completed rollout has reached every device.
 *
 * @param groups the groups in the order they start; the last is the 100% group
 */
public record RolloutGroups(List<RolloutGroupSpec> groups) {

  /** Most groups a rollout may have. */
  public static final int MAX_GROUPS = 50;

  public RolloutGroups {
    groups = List.copyOf(groups);
    if (groups.isEmpty() || !groups.get(groups.size() - 1).wholeFleet()) {
      throw new IllegalArgumentException(
          "The last rollout group must be 100% of the fleet: build the groups with of(...)");
    }
  }

  /**
   * Checks the requested groups and ends them with a 100% group when they do not end with one. An
   * empty request is one group of the whole fleet.
   *
   * @throws IllegalArgumentException naming the first group at fault
   */
  public static RolloutGroups of(List<RolloutGroupSpec> requested) {
    List<RolloutGroupSpec> groups = new ArrayList<>();
    int previousPercentage = 0;
    for (int position = 0; position < requested.size(); position++) {
      RolloutGroupSpec group = requested.get(position);
      if (group == null) {
        throw new IllegalArgumentException("Rollout group " + position + " is null");
      }
      if (previousPercentage == 100) {
        throw new IllegalArgumentException(
            "Rollout group "
                + position
                + " follows a 100% group that already reaches every device: remove it");
      }
      if (group.percentage() != null && group.percentage() <= previousPercentage) {
        throw new IllegalArgumentException(
            "Rollout group "
                + position
                + " has percentage "
                + group.percentage()
                + ", not above the "
                + previousPercentage
                + "% reached before it: percentages are cumulative and must rise");
      }
      if (group.percentage() != null) {
        previousPercentage = group.percentage();
      }
      groups.add(group);
    }
    if (previousPercentage != 100) {
      groups.add(RolloutGroupSpec.percentage(100));
    }
    if (groups.size() > MAX_GROUPS) {
      throw new IllegalArgumentException(
          "A rollout has " + groups.size() + " groups; the most is " + MAX_GROUPS);
    }
    return new RolloutGroups(groups);
  }

  public int size() {
    return groups.size();
  }

  public RolloutGroupSpec get(int position) {
    return groups.get(position);
  }
}
