package io.slipway.api.release;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The fields a new release starts with. Immutable.
 *
 * @param source how the release comes to be
 * @param sourceCommit the commit it is built from, 7 to 64 hex digits, or null
 * @param version its semantic version, or null to take the next patch version of the fleet
 */
public record NewRelease(ReleaseSource source, String sourceCommit, SemanticVersion version) {

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,64}");

  /**
   * @throws IllegalArgumentException naming the commit when it is not 7 to 64 lower-case hex digits
   */
  public NewRelease {
    Objects.requireNonNull(source, "source");
    if (sourceCommit != null && !COMMIT.matcher(sourceCommit).matches()) {
      throw new IllegalArgumentException(
          "Source commit '"
              + sourceCommit
              + "' is not a commit id: give 7 to 64 lower-case hex digits, or leave it out");
    }
  }
}
