package io.slipway.cli.release;

import java.util.regex.Pattern;

/**
 * One build log line of a release as the server sends it.
 *
 * @param id the line's id, increasing within the release
 * @param service the service the line belongs to, or null for a release-level line
 * @param platform the platform, such as {@code linux/arm64}, or null for a release-level line
 * @param text the line, with control characters other than tab replaced by spaces
 */
public record LogLine(long id, String service, String platform, String text) {

  private static final Pattern CONTROL = Pattern.compile("[[\\p{Cntrl}\\x{80}-\\x{9F}]&&[^\\t]]");

  public LogLine {
    service = service == null || service.isEmpty() ? null : service;
    platform = platform == null || platform.isEmpty() ? null : platform;
    // A build's output may carry terminal escape sequences; printed as sent, they could move the
    // cursor or rewrite what the user sees. Tabs are kept.
    text = text == null ? "" : CONTROL.matcher(text).replaceAll(" ");
  }

  /** Returns true when the line belongs to one service and platform. */
  public boolean inPartition() {
    return service != null;
  }

  /** Returns {@code service platform}, or {@code service} alone when the platform is unknown. */
  public String partition() {
    return platform == null ? service : service + " " + platform;
  }
}
