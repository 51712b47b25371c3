package io.slipway.cli.release;

import io.slipway.api.release.SemanticVersion;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Checks {@code --release-version} and {@code --commit} with the server's rules before any call to
 * the server, so that a typo exits with the usage code instead of a rejected request. Stateless.
 */
public final class ReleaseInput {

  /** The form the server accepts for a release's source commit. */
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,64}");

  private ReleaseInput() {}

  /**
   * Checks both values, where null means the option was not given.
   *
   * @throws ParameterException naming the value when the version is not a semantic version,
   *     contains build metadata after {@code +}, or the commit is not 7 to 64 lower-case
   *     hexadecimal digits
   */
  public static void check(CommandLine commandLine, String version, String commit) {
    if (version != null) {
      checkVersion(commandLine, version);
    }
    if (commit != null && !COMMIT.matcher(commit).matches()) {
      throw new ParameterException(
          commandLine,
          "--commit '"
              + commit
              + "' is not a commit ID. Give 7 to 64 lower-case hexadecimal digits");
    }
  }

  /**
   * Rejects build metadata before the semantic version check, which allows it. The server rejects
   * it because the release version becomes an image tag, and a tag cannot contain {@code +}.
   */
  private static void checkVersion(CommandLine commandLine, String version) {
    int plus = version.indexOf('+');
    if (plus >= 0) {
      throw new ParameterException(
          commandLine,
          "--release-version: Version '"
              + version
              + "' has build metadata after '+', which an image tag cannot hold; leave it out,"
              + " as in "
              + version.substring(0, plus));
    }
    try {
      new SemanticVersion(version);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          commandLine,
          "--release-version: Version '"
              + version
              + "' is not a semantic version: write MAJOR.MINOR.PATCH with an optional"
              + " -pre.release, such as 1.4.0 or 2.0.0-rc.1, at most "
              + SemanticVersion.MAX_LENGTH
              + " characters");
    }
  }
}
