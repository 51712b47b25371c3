package io.slipway.api.control.channel;

import io.slipway.api.device.Device;
import java.util.List;

/**
 * Tells whether the control channel is open to a device: the server runs it, and the device's own
 * setting (while it has not lapsed) or else its fleet's setting enables it. Implementations are
 * thread-safe and read the current settings on each call.
 */
@FunctionalInterface
public interface ChannelSwitch {

  /** Returns whether {@code device} may use the control channel right now. */
  boolean isEnabled(Device device);

  /**
   * Returns those of {@code devices}, all of fleet {@code fleetId}, for which the channel is open
   * right now, in their order. This default calls {@link #isEnabled} once per device;
   * implementations backed by a database override it with one query for the whole fleet.
   */
  default List<Device> filterEnabled(long fleetId, List<Device> devices) {
    return devices.stream().filter(this::isEnabled).toList();
  }
}
