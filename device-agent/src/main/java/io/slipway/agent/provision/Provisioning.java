package io.slipway.agent.provision;

import io.slipway.agent.config.AgentConfig;

/**
 * Registers the device with its fleet exactly once, whatever restarts happen in between. Before it
 * calls the server it stores the UUID and device key it generated in the data directory (mode 0600,
 * written atomically), so a retry after a crash presents the same key and the server treats it as
 * the same registration. After the server confirmed, it rewrites config.json without the
 * provisioning key and deletes the stored pending registration.
 *
 * <p>Not thread-safe; called once at the start of the agent.
 */
public interface Provisioning {

  /**
   * Returns the registered configuration: at once when config.json already contains a UUID and
   * device key, otherwise after registering (retrying with backoff while the server is
   * unreachable).
   *
   * @throws io.slipway.agent.AgentException {@code REGISTRATION_REFUSED} when the server refuses
   *     the provisioning key; {@code INVALID_CONFIG} when config.json cannot be read or written
   * @throws InterruptedException when interrupted while waiting to retry
   */
  AgentConfig ensureRegistered() throws InterruptedException;
}
