package io.slipway.api.release;

import java.util.List;

/**
 * A release with its services, as the API shows it. Immutable.
 *
 * @param release the release
 * @param services its services, ordered by name
 * @param signature the summary of its signed release document, or null while it has none
 */
public record ReleaseView(
    Release release, List<ReleaseServiceImage> services, SignatureSummary signature) {

  public ReleaseView {
    services = List.copyOf(services);
  }

  /** Creates the view of a release that has no signature yet. */
  public ReleaseView(Release release, List<ReleaseServiceImage> services) {
    this(release, services, null);
  }
}
