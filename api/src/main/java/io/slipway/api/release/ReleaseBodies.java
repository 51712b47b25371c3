package io.slipway.api.release;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON forms of releases that the HTTP API sends. */
final class ReleaseBodies {

  private ReleaseBodies() {}

  /** A release as sent; {@code services} is null in lists. */
  record ReleaseBody(
      long id,
      String fleet,
      String status,
      String source,
      String commit,
      String version,
      String createdBy,
      long createdAt,
      Long finishedAt,
      boolean invalidated,
      Long invalidatedAt,
      String invalidatedBy,
      Map<String, ServiceBody> services) {}

  /** A service of a release as sent and received. */
  record ServiceBody(String image, Map<String, String> environment, Map<String, String> labels) {}

  /** One build log line as sent. */
  record LogLineBody(long id, long at, String line) {}

  static ReleaseBody of(String fleet, Release release, List<ReleaseServiceImage> services) {
    Map<String, ServiceBody> byName = null;
    if (services != null) {
      byName = new LinkedHashMap<>();
      for (ReleaseServiceImage service : services) {
        byName.put(
            service.service(),
            new ServiceBody(
                service.hasImage() ? service.image().toString() : null,
                service.environment(),
                service.labels()));
      }
    }
    return new ReleaseBody(
        release.id(),
        fleet,
        release.status().name(),
        release.source().name(),
        release.sourceCommit(),
        release.version(),
        release.createdBy(),
        release.createdAt(),
        release.finishedAt(),
        release.invalidated(),
        release.invalidatedAt(),
        release.invalidatedBy(),
        byName);
  }

  static LogLineBody of(BuildLogLine line) {
    return new LogLineBody(line.id(), line.at(), line.line());
  }
}
