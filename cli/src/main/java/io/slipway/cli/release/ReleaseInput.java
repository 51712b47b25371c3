package io.slipway.cli.release;

import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Checks {@code --release-version} and {@code --commit} before any call to the server, with the
 * rules the server applies, so that a typo exits with the usage code instead of a refused request.
 * Stateless.
 */
public final class ReleaseInput {

  private static final String NUMBER = "(0|[1-9]\\d*)";
  private static final String PRE = "(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)";
  private static final String BUILD = "[0-9a-zA-Z-]+";
  private static final Pattern VERSION =
      Pattern.compile(
          NUMBER + "\\." + NUMBER + "\\." + NUMBER + "(?:-" + PRE + "(?:\\." + PRE + ")*)?"
              + "(?:\\+" + BUILD + "(?:\\." + BUILD + ")*)?");
  private static final int MAX_VERSION_LENGTH = 128;
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,64}");

  private ReleaseInput() {}

  /**
   * Checks both values; null means the option was not given.
   *
   * @throws ParameterException naming the value when the version is not a semantic version or the
   *     commit is not 7 to 64 lower-case hexadecimal digits
   */
  public static void check(CommandLine commandLine, String version, String commit) {
    if (version != null
        && (version.length() > MAX_VERSION_LENGTH || !VERSION.matcher(version).matches())) {
      throw new ParameterException(
          commandLine,
          "--release-version '"
              + version
              + "' is not a semantic version. Write MAJOR.MINOR.PATCH, such as 1.2.0");
    }
    if (commit != null && !COMMIT.matcher(commit).matches()) {
      throw new ParameterException(
          commandLine,
          "--commit '"
              + commit
              + "' is not a commit ID. Give 7 to 64 lower-case hexadecimal digits");
    }
  }
}
