package io.slipway.agent.store;

import java.util.Map;

/**
 * A release whose every image is complete and verified in the store. Immutable.
 *
 * @param releaseId the server's release id
 * @param version the release's version, or null
 * @param sequence its number in the fleet's release sequence (the rollback rule compares these)
 * @param releaseDigest the digest of the signed release document
 * @param services its services by name
 */
public record InstalledRelease(
    long releaseId,
    String version,
    long sequence,
    String releaseDigest,
    Map<String, InstalledService> services) {

  public InstalledRelease {
    services = Map.copyOf(services);
  }
}
