package io.slipway.builder.pipeline;

import io.slipway.builder.registry.RegistryCredentials;
import java.time.Duration;

/**
 * Access to the registry the pipeline pushes to. The api implements it with short-lived builder
 * secrets. The pipeline requests credentials when a partition starts, uses them for that partition
 * only and never stores them, so a restarted build gets fresh ones.
 *
 * <p>Implementations must be safe for concurrent use.
 */
public interface RegistryAccess {

  /** Returns the registry engines push to and pull base images from, as {@code host:port}. */
  String registry();

  /**
   * Issues credentials that may push and pull {@code fleetRepository/*} and pull from the fleet's
   * organization.
   *
   * @param fleetRepository the fleet's repository prefix, {@code ORG/FLEET}
   * @param lifetime how long the credentials must stay valid
   */
  RegistryCredentials credentials(String fleetRepository, Duration lifetime);
}
