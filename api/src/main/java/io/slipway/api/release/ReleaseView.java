package io.slipway.api.release;

import java.util.List;

/**
 * A release with its services, as the API shows it. Immutable.
 *
 * @param release the release
 * @param services its services, ordered by name
 */
public record ReleaseView(Release release, List<ReleaseServiceImage> services) {

  public ReleaseView {
    services = List.copyOf(services);
  }
}
