package io.slipway.agent.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The settings the agent reads from the device's config.json: the fleet it joins, its credentials
 * and the server's endpoints. The file's layout is the one the OS image tools write; fields the
 * agent does not use are kept untouched when it rewrites the file. Immutable; {@link #toString()}
 * hides keys.
 *
 * @param fleetId the fleet's numeric id on the server
 * @param fleet the fleet's full name, {@code org/fleet}
 * @param deviceType the device type slug the image was built for
 * @param provisioningKey the provisioning key ({@code slp_...}) until the device registered, then
 *     null
 * @param uuid the device's UUID once registered (or registered in advance), else null
 * @param deviceApiKey the device API key ({@code sld_...}) once registered, else null
 * @param apiEndpoint the server's base URL
 * @param registryEndpoint the registry's base URL
 * @param deltaEndpoint the delta service's base URL
 * @param controlEndpoint the control channel's URL, or null when it is switched off
 * @param pollInterval how often to poll the target state
 * @param trustedKeys PEM public keys the device trusts from its first boot; may be empty
 */
public record AgentConfig(
    long fleetId,
    String fleet,
    String deviceType,
    String provisioningKey,
    String uuid,
    String deviceApiKey,
    URI apiEndpoint,
    URI registryEndpoint,
    URI deltaEndpoint,
    URI controlEndpoint,
    Duration pollInterval,
    List<String> trustedKeys) {

  /** Returns true when the config contains the device's UUID and device API key. */
  public boolean registered() {
    return uuid != null && deviceApiKey != null;
  }

  /**
   * Returns true when {@code name} has the form of a fleet's full name, {@code org/fleet} in
   * lower-case letters, digits and '-', as config.json requires.
   */
  public static boolean isFleetName(String name) {
    return name != null && ConfigJson.FLEET.matcher(name).matches();
  }

  @Override
  public String toString() {
    return "AgentConfig[fleet="
        + fleet
        + ", deviceType="
        + deviceType
        + ", uuid="
        + uuid
        + ", provisioningKey="
        + (provisioningKey == null ? "none" : "****")
        + ", deviceApiKey="
        + (deviceApiKey == null ? "none" : "****")
        + ", apiEndpoint="
        + apiEndpoint
        + "]";
  }
}
