package io.slipway.api.rollout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Chooses the devices a rollout group moves. Pure and deterministic: the same devices and the same
 * earlier groups always give the same choice, so a retry or a second server picks the same devices.
 *
 * <p>A percentage group takes devices in the order of the SHA-256 of their UUID until that share of
 * the eligible devices has moved, counting the devices moved by earlier groups of any kind. A tag
 * group takes every eligible device with the tag that has not moved yet.
 *
 * <p>NOTE: devices are chosen when their group starts. A device that joins the fleet after the last
 * group started is not moved. It gets the release when the rollout completes, because the release
 * then becomes the fleet's target.
 */
public final class GroupSelector {

  private GroupSelector() {}

  /**
   * A device that a rollout may move: approved and not pinned to a release.
   *
   * @param id the device's row id
   * @param uuid the device's UUID
   * @param tags its tags, each both as {@code name} and as {@code name=value}, so that either form
   *     of a group's tag matches by equality
   */
  public record Candidate(long id, String uuid, Set<String> tags) {

    public Candidate {
      tags = Set.copyOf(tags);
    }
  }

  /**
   * Returns the devices that {@code group} moves, in hash order.
   *
   * @param group the group to start
   * @param candidates every eligible device of the fleet
   * @param moved row ids of the devices that earlier groups of the rollout moved
   */
  public static List<Candidate> select(
      RolloutGroupSpec group, List<Candidate> candidates, Set<Long> moved) {
    if (group.tag() != null) {
      return sorted(candidates).stream()
          .filter(device -> !moved.contains(device.id()))
          .filter(device -> device.tags().contains(group.tag()))
          .toList();
    }

    int wanted = shareOf(group.percentage(), candidates.size());
    int alreadyMoved =
        (int) candidates.stream().filter(device -> moved.contains(device.id())).count();
    List<Candidate> chosen = new ArrayList<>();
    for (Candidate device : sorted(candidates)) {
      if (alreadyMoved + chosen.size() >= wanted) {
        break;
      }
      if (!moved.contains(device.id())) {
        chosen.add(device);
      }
    }
    return chosen;
  }

  /** Returns how many of {@code total} devices make {@code percentage}, rounded up. */
  static int shareOf(int percentage, int total) {
    return (int) ((percentage * (long) total + 99) / 100);
  }

  private static List<Candidate> sorted(List<Candidate> candidates) {
    record Ranked(String rank, Candidate device) {}
    return candidates.stream()
        .map(device -> new Ranked(rank(device.uuid()), device))
        .sorted(Comparator.comparing(Ranked::rank).thenComparing(ranked -> ranked.device().uuid()))
        .map(Ranked::device)
        .toList();
  }

  private static String rank(String uuid) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(uuid.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime provides SHA-256", e);
    }
  }
}
