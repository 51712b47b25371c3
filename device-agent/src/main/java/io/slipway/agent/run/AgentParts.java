package io.slipway.agent.run;

import io.slipway.agent.client.DeviceApi;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.engine.ServiceRunner;
import io.slipway.agent.store.ReleaseStore;
import io.slipway.agent.update.Updater;
import java.util.Objects;

/**
 * The parts an agent works with once its device is registered, all bound to its device key.
 * Immutable.
 *
 * @param api the server's device API
 * @param store the device's images and current release
 * @param updater brings a target release into the store
 * @param runner runs the release's services
 */
public record AgentParts(DeviceApi api, ReleaseStore store, Updater updater, ServiceRunner runner) {

  public AgentParts {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(updater, "updater");
    Objects.requireNonNull(runner, "runner");
  }

  /** Makes the parts for a registered device. */
  @FunctionalInterface
  public interface Factory {

    /**
     * @param config the registered configuration, with the device's UUID and key
     * @throws io.slipway.agent.AgentException when a part cannot be made, such as {@code
     *     STORE_FAILED} for an unreadable store
     */
    AgentParts create(AgentConfig config);
  }
}
