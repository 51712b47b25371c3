package io.slipway.agent.client;

/**
 * The server's response to a registration. {@link #toString()} hides the key.
 *
 * @param uuid the device's UUID
 * @param deviceKey the device API key the server accepted (the one the device sent)
 * @param fleet the fleet, {@code org/fleet}
 * @param created true for a new device, false for a repeated registration
 */
public record Registered(String uuid, String deviceKey, String fleet, boolean created) {

  @Override
  public String toString() {
    return "Registered[uuid=" + uuid + ", fleet=" + fleet + ", created=" + created + "]";
  }
}
