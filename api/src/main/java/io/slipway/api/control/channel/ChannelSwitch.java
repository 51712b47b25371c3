package io.slipway.api.control.channel;

import io.slipway.api.device.Device;

/**
 * Tells whether the control channel is open to a device: the server runs it, and the device's own
 * setting (while it has not lapsed) or else its fleet's setting enables it. Implementations are
 * thread-safe and read the current settings on each call.
 */
@FunctionalInterface
public interface ChannelSwitch {

  /** Returns whether {@code device} may use the control channel right now. */
  boolean isEnabled(Device device);
}
