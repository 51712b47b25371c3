package io.slipway.agent.control;

import io.slipway.agent.DeviceAgent;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.engine.ServiceRunner;

/** Makes the control channel of a registered device; the agent loop calls it once at start. */
@FunctionalInterface
public interface ControlChannelFactory {

  /**
   * Returns a closed channel for the device {@code config} names; it opens nothing until {@link
   * ControlChannel#apply} is given an enabled setting.
   *
   * @param runner the device's runner, for the service commands and container terminals
   * @param agent the agent, whose {@link DeviceAgent#targetChanged()} the {@code update} command
   *     calls
   */
  ControlChannel create(AgentConfig config, ServiceRunner runner, DeviceAgent agent);
}
