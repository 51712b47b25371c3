package io.slipway.api.event;

import java.util.Objects;

/**
 * Published when a device's key stops working: the key was revoked, or the device was deleted.
 * Listeners (the control channel) cut the device's connections at once. Immutable.
 *
 * @param deviceUuid the device
 * @param reason {@code device.key.revoked} or {@code device.deleted}
 */
public record DeviceAccessRevoked(String deviceUuid, String reason) {

  public DeviceAccessRevoked {
    Objects.requireNonNull(deviceUuid, "deviceUuid");
    Objects.requireNonNull(reason, "reason");
  }
}
