package io.slipway.agent.client;

/**
 * The request body a device sends to register. {@link #toString()} hides the key.
 *
 * @param uuid the UUID the device generated, 32 lower-case hex digits
 * @param deviceType the device type slug from config.json
 * @param name the device's name, or null to let the server pick one
 * @param osVersion the OS version, or null when unknown
 * @param deviceKey the device API key ({@code sld_} and random) the device generated itself
 */
public record Registration(
    String uuid, String deviceType, String name, String osVersion, String deviceKey) {

  @Override
  public String toString() {
    return "Registration[uuid=" + uuid + ", deviceType=" + deviceType + ", deviceKey=****]";
  }
}
