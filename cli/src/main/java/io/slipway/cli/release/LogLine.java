package io.slipway.cli.release;

/**
 * One build log line of a release as the server sends it.
 *
 * @param id the line's id, increasing within the release
 * @param service the service the line belongs to, or null for a release-level line
 * @param platform the platform, such as {@code linux/arm64}, or null for a release-level line
 * @param text the line itself
 */
public record LogLine(long id, String service, String platform, String text) {

  public LogLine {
    service = service == null || service.isEmpty() ? null : service;
    platform = platform == null || platform.isEmpty() ? null : platform;
    text = text == null ? "" : text;
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
