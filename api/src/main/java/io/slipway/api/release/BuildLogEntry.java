package io.slipway.api.release;

import java.util.Objects;

/**
 * A build log line to append to a release. Immutable.
 *
 * @param service the service the line is about, at most 63 characters, or null for the release
 * @param platform the platform the line is about, at most 64 characters, such as {@code
 *     linux/arm/v7}, or null
 * @param text the text; line breaks in it split it into several stored lines
 */
public record BuildLogEntry(String service, String platform, String text) {

  private static final int MAX_SERVICE = 63;
  private static final int MAX_PLATFORM = 64;

  /**
   * @throws IllegalArgumentException naming the value when the service or platform is too long
   */
  public BuildLogEntry {
    Objects.requireNonNull(text, "text");
    if (service != null && service.length() > MAX_SERVICE) {
      throw new IllegalArgumentException(
          "Build log service '" + service + "' is longer than " + MAX_SERVICE + " characters");
    }
    if (platform != null && platform.length() > MAX_PLATFORM) {
      throw new IllegalArgumentException(
          "Build log platform '" + platform + "' is longer than " + MAX_PLATFORM + " characters");
    }
  }

  /** Returns a line that belongs to no service or platform. */
  public static BuildLogEntry of(String text) {
    return new BuildLogEntry(null, null, text);
  }
}
