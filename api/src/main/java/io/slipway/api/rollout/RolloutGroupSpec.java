package io.slipway.api.rollout;

import java.util.regex.Pattern;

/**
 * One group of a rollout as requested: either a cumulative percentage of the fleet's devices or a
 * tag. Exactly one of the two is set.
 *
 * @param percentage share of the fleet, 1 to 100, that has moved once this group started; null for
 *     a tag group
 * @param tag the group is the devices that carry this tag and have not moved yet: {@code name}
 *     matches a device tag of that name whatever its value, {@code name=value} only that value;
 *     null for a percentage group
 */
public record RolloutGroupSpec(Integer percentage, String tag) {

  /** Maximum length of a group's tag: a device tag's name, '=' and its value. */
  public static final int MAX_TAG_LENGTH = 1125;

  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  public RolloutGroupSpec {
    if ((percentage == null) == (tag == null)) {
      throw new IllegalArgumentException(
          "A rollout group names either a percentage or a tag, not "
              + (percentage == null ? "neither" : "both")
              + ": write {\"percentage\": 10} or {\"tag\": \"canary\"}");
    }
    if (percentage != null && (percentage < 1 || percentage > 100)) {
      throw new IllegalArgumentException(
          "Rollout group percentage " + percentage + " is outside 1 to 100");
    }
    if (tag != null && !validTag(tag)) {
      throw new IllegalArgumentException(
          "Rollout group tag '"
              + tag
              + "' is not a tag: write a tag name, or name=value, without control characters"
              + " and at most "
              + MAX_TAG_LENGTH
              + " long");
    }
  }

  private static boolean validTag(String tag) {
    return !tag.isBlank()
        && !tag.startsWith("=")
        && tag.length() <= MAX_TAG_LENGTH
        && !CONTROL.matcher(tag).find();
  }

  /** Returns a group that moves devices until {@code percentage} of the fleet has moved. */
  public static RolloutGroupSpec percentage(int percentage) {
    return new RolloutGroupSpec(percentage, null);
  }

  /** Returns a group of the devices that carry {@code tag}. */
  public static RolloutGroupSpec tag(String tag) {
    return new RolloutGroupSpec(null, tag);
  }

  /** Returns true for the group that moves every remaining device. */
  public boolean wholeFleet() {
    return percentage != null && percentage == 100;
  }
}
