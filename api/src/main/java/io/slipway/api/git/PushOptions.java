package io.slipway.api.git;

import io.slipway.api.build.BuilderProperties;
import io.slipway.api.release.SemanticVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * The options a developer sent with {@code git push -o}: {@code version=X}, {@code engine=E},
 * {@code nocache} and {@code log=full}. Immutable.
 *
 * @param version the release version, or null for the next patch version
 * @param engine the build engine, or null for the server's default
 * @param noCache true to build every partition even when the cache has it
 * @param fullLog true to stream every build log line instead of the summary
 */
record PushOptions(String version, String engine, boolean noCache, boolean fullLog) {

  /** Options of a push that sent none. */
  static final PushOptions NONE = new PushOptions(null, null, false, false);

  /** The accepted options, as messages list them. */
  static final String ACCEPTED =
      "version=MAJOR.MINOR.PATCH[-PRERELEASE], engine=jib|docker|buildkit|auto, nocache, log=full";

  /**
   * Reads the options a client sent.
   *
   * @param options the options, or null when the client sent none
   * @throws IllegalArgumentException naming every option that is unknown or has a bad value
   */
  static PushOptions parse(List<String> options) {
    if (options == null || options.isEmpty()) {
      return NONE;
    }
    String version = null;
    String engine = null;
    boolean noCache = false;
    boolean fullLog = false;
    List<String> unknown = new ArrayList<>();
    for (String option : options) {
      if (option.equals("nocache")) {
        noCache = true;
      } else if (option.equals("log=full")) {
        fullLog = true;
      } else if (option.equals("log=summary")) {
        fullLog = false;
      } else if (option.startsWith("version=") && isTagVersion(option.substring(8))) {
        version = option.substring("version=".length());
      } else if (option.startsWith("engine=")
          && BuilderProperties.ENGINES.contains(option.substring("engine=".length()))) {
        engine = option.substring("engine=".length());
      } else {
        unknown.add("'" + option + "'");
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "Unknown or invalid push option "
              + String.join(", ", unknown)
              + ": remove it, this server accepts "
              + ACCEPTED);
    }
    return new PushOptions(version, engine, noCache, fullLog);
  }

  /**
   * Returns true for a semantic version without build metadata: checked here, before any ref moves,
   * so that a typo does not land the branch with nothing built.
   */
  private static boolean isTagVersion(String text) {
    if (text.isEmpty() || text.contains("+")) {
      return false;
    }
    try {
      new SemanticVersion(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
