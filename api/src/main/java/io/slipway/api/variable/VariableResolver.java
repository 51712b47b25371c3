package io.slipway.api.variable;

import io.slipway.api.device.Device;
import org.springframework.stereotype.Service;

/**
 * Computes the effective variables of a device, for the target state and for the device itself: for
 * each name the value of the most specific level, device and service before device before fleet and
 * service before fleet. Two queries per call; safe for concurrent use.
 */
@Service
public class VariableResolver {

  private final VariableRepository variables;

  public VariableResolver(VariableRepository variables) {
    this.variables = variables;
  }

  /**
   * Returns the effective variables of {@code device}. Ask the result for {@link
   * EffectiveVariables#environmentOf(String) the environment of each service} and for {@link
   * EffectiveVariables#config() the device agent's configuration}.
   */
  public EffectiveVariables forDevice(Device device) {
    return forDevice(device.fleetId(), device.id());
  }

  /** Returns the effective variables of device {@code deviceId} of fleet {@code fleetId}. */
  public EffectiveVariables forDevice(long fleetId, long deviceId) {
    return new EffectiveVariables(variables.findForDevice(fleetId, deviceId));
  }
}
