package io.slipway.api.targetstate;

import java.util.Map;

/**
 * Where a device's target state gets its variables: the effective environment of each service and
 * the device agent's configuration, after device and service overrides. The variables feature
 * provides the bean; without one, states carry only the environment from the release.
 */
public interface StateVariables {

  /** Variables that apply to nothing: no environment overrides and no configuration. */
  StateVariables NONE =
      (fleetId, deviceId) ->
          new DeviceVariables() {
            @Override
            public Map<String, String> environmentOf(String service) {
              return Map.of();
            }

            @Override
            public Map<String, String> config() {
              return Map.of();
            }
          };

  /** Returns the variables of device {@code deviceId} of fleet {@code fleetId}. */
  DeviceVariables forDevice(long fleetId, long deviceId);

  /** The effective variables of one device. */
  interface DeviceVariables {

    /** Returns the environment variables that override the release's for {@code service}. */
    Map<String, String> environmentOf(String service);

    /** Returns the device agent's configuration. */
    Map<String, String> config();
  }
}
