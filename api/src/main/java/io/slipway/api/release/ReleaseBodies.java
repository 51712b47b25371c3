package io.slipway.api.release;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON forms of releases that the HTTP API sends. */
public final class ReleaseBodies {

  private ReleaseBodies() {}

  /** A release as sent; {@code services} is null in lists. */
  public record ReleaseBody(
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
      Map<String, ServiceBody> services,
      SignatureBody signature) {}

  /**
   * The signature of a release as sent: its number in the fleet's release sequence, the digest of
   * the signed release document, the signing key's hint and the signing time in milliseconds since
   * the epoch.
   */
  public record SignatureBody(long sequence, String documentDigest, String keyHint, long signedAt) {

    static SignatureBody of(SignatureSummary summary) {
      return summary == null
          ? null
          : new SignatureBody(
              summary.sequence(),
              summary.documentDigest(),
              summary.keyHint(),
              summary.signedAt().toEpochMilli());
    }
  }

  /**
   * A service of a release as sent and received; {@code configuration} holds the rest of its
   * compose entry (ports, volumes, network_mode, privileged, restart, ...).
   */
  public record ServiceBody(
      String image,
      Map<String, String> environment,
      Map<String, String> labels,
      Map<String, Object> configuration) {}

  /** One build log line as sent; service and platform are null for release-level lines. */
  public record LogLineBody(long id, long at, String service, String platform, String line) {}

  /** Returns the body of a release of {@code fleet} with its services and signature. */
  public static ReleaseBody of(String fleet, ReleaseView view) {
    return of(fleet, view.release(), view.services(), view.signature());
  }

  /** Returns the body of {@code release} of {@code fleet}; null services for a list entry. */
  public static ReleaseBody of(String fleet, Release release, List<ReleaseServiceImage> services) {
    return of(fleet, release, services, null);
  }

  private static ReleaseBody of(
      String fleet,
      Release release,
      List<ReleaseServiceImage> services,
      SignatureSummary signature) {
    Map<String, ServiceBody> byName = null;
    if (services != null) {
      byName = new LinkedHashMap<>();
      for (ReleaseServiceImage service : services) {
        byName.put(
            service.service(),
            new ServiceBody(
                service.hasImage() ? service.image().toString() : null,
                service.environment(),
                service.labels(),
                service.configuration()));
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
        byName,
        SignatureBody.of(signature));
  }

  /** Returns the body of one build log line. */
  public static LogLineBody of(BuildLogLine line) {
    return new LogLineBody(line.id(), line.at(), line.service(), line.platform(), line.line());
  }
}
