package io.slipway.api.release;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version in the form of Semantic Versioning 2.0.0: {@code MAJOR.MINOR.PATCH}, an optional
 * pre-release after {@code -} and optional build metadata after {@code +}. Ordering follows the
 * precedence rules of that specification, so build metadata does not take part in {@link
 * #compareTo}; {@link #equals} compares the whole text. Immutable.
 *
 * @param text the version exactly as given, such as {@code 1.4.0-rc.1+build.7}
 */
public record SemanticVersion(String text) implements Comparable<SemanticVersion> {

  /** Longest accepted version, the width of the {@code fleet_release.version} column. */
  public static final int MAX_LENGTH = 128;

  private static final String NUMBER = "(0|[1-9]\\d*)";
  private static final String PRE_PART = "(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)";
  private static final String BUILD_PART = "[0-9a-zA-Z-]+";
  private static final Pattern FORM =
      Pattern.compile(
          NUMBER
              + "\\."
              + NUMBER
              + "\\."
              + NUMBER
              + "(?:-("
              + PRE_PART
              + "(?:\\."
              + PRE_PART
              + ")*))?"
              + "(?:\\+("
              + BUILD_PART
              + "(?:\\."
              + BUILD_PART
              + ")*))?");

  /** The first version that a fleet without any versioned release gets. */
  public static final SemanticVersion FIRST = new SemanticVersion("0.0.1");

  /**
   * @throws IllegalArgumentException naming {@code text} when it is not a Semantic Versioning 2.0.0
   *     version of at most {@value #MAX_LENGTH} characters
   */
  public SemanticVersion {
    Objects.requireNonNull(text, "text");
    if (text.length() > MAX_LENGTH || !FORM.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "Version '"
              + text
              + "' is not a semantic version: write MAJOR.MINOR.PATCH with an optional"
              + " -pre.release and +build, such as 1.4.0 or 2.0.0-rc.1, at most "
              + MAX_LENGTH
              + " characters");
    }
  }

  /** Returns the major version number. */
  public BigInteger major() {
    return new BigInteger(parts().group(1));
  }

  /** Returns the minor version number. */
  public BigInteger minor() {
    return new BigInteger(parts().group(2));
  }

  /** Returns the patch version number. */
  public BigInteger patch() {
    return new BigInteger(parts().group(3));
  }

  /** Returns the dot-separated pre-release identifiers; empty for a normal version. */
  public List<String> preRelease() {
    String pre = parts().group(4);
    return pre == null ? List.of() : List.of(pre.split("\\."));
  }

  /**
   * Returns the version after this one for an automatically numbered release: the patch number plus
   * one, without pre-release or build metadata. {@code 1.2.3-rc.1} becomes {@code 1.2.4}.
   */
  public SemanticVersion nextPatch() {
    return new SemanticVersion(major() + "." + minor() + "." + patch().add(BigInteger.ONE));
  }

  @Override
  public int compareTo(SemanticVersion other) {
    int core = compareCore(other);
    if (core != 0) {
      return core;
    }
    return comparePreRelease(preRelease(), other.preRelease());
  }

  @Override
  public String toString() {
    return text;
  }

  private int compareCore(SemanticVersion other) {
    int byMajor = major().compareTo(other.major());
    if (byMajor != 0) {
      return byMajor;
    }
    int byMinor = minor().compareTo(other.minor());
    if (byMinor != 0) {
      return byMinor;
    }
    return patch().compareTo(other.patch());
  }

  // A normal version ranks above any of its pre-releases; otherwise identifiers compare in turn.
  private static int comparePreRelease(List<String> left, List<String> right) {
    if (left.isEmpty() || right.isEmpty()) {
      return Boolean.compare(left.isEmpty(), right.isEmpty());
    }
    for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
      int byIdentifier = compareIdentifier(left.get(i), right.get(i));
      if (byIdentifier != 0) {
        return byIdentifier;
      }
    }
    return Integer.compare(left.size(), right.size());
  }

  // Numeric identifiers compare as numbers and rank below alphanumeric ones.
  private static int compareIdentifier(String left, String right) {
    boolean leftNumeric = isNumeric(left);
    boolean rightNumeric = isNumeric(right);
    if (leftNumeric && rightNumeric) {
      return new BigInteger(left).compareTo(new BigInteger(right));
    }
    if (leftNumeric != rightNumeric) {
      return leftNumeric ? -1 : 1;
    }
    return left.compareTo(right);
  }

  private static boolean isNumeric(String identifier) {
    return identifier.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private Matcher parts() {
    Matcher matcher = FORM.matcher(text);
    matcher.matches();
    return matcher;
  }
}
