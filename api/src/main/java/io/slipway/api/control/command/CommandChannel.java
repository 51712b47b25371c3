package io.slipway.api.control.command;

import io.slipway.api.control.broker.ControlBroker;
import io.slipway.api.control.channel.ChannelSwitch;
import io.slipway.api.control.channel.DeviceConnections;
import io.slipway.api.control.link.ControlLink;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Decides whether a command can reach a device: the server runs a broker and its link, the channel
 * is on for the device, and the device is connected ({@link DeviceConnections}). Thread-safe.
 */
@Component
class CommandChannel {

  private final ObjectProvider<ControlBroker> brokers;
  private final ObjectProvider<ControlLink> links;
  private final ChannelSwitch channelSwitch;
  private final DeviceConnections connections;

  CommandChannel(
      ObjectProvider<ControlBroker> brokers,
      ObjectProvider<ControlLink> links,
      ChannelSwitch channelSwitch,
      DeviceConnections connections) {
    this.brokers = brokers;
    this.links = links;
    this.channelSwitch = channelSwitch;
    this.connections = connections;
  }

  /** Returns the link, or empty when the server runs without a control channel. */
  Optional<ControlLink> link() {
    if (brokers.getIfAvailable() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(links.getIfAvailable());
  }

  /**
   * Returns the link.
   *
   * @throws ApiException {@code CONTROL_CHANNEL_UNAVAILABLE} when the server runs without one
   */
  ControlLink requireLink() {
    return link()
        .orElseThrow(
            () ->
                new ApiException(
                    ErrorCode.CONTROL_CHANNEL_UNAVAILABLE,
                    "This server runs without the device control channel"
                        + " (slipway.control.enabled is false): an administrator must turn it on"
                        + " before commands can be sent"));
  }

  /**
   * Checks that {@code device} can receive a command over {@code link} now.
   *
   * @throws ApiException {@code CONTROL_CHANNEL_DISABLED} when the channel is off for the device,
   *     {@code DEVICE_NOT_CONNECTED} when it is not online
   */
  void requireReachable(ControlLink link, Device device) {
    if (!channelSwitch.isEnabled(device)) {
      throw new ApiException(
          ErrorCode.CONTROL_CHANNEL_DISABLED,
          "The control channel is off for device "
              + device.uuid()
              + ": turn it on with PUT /api/v1/devices/"
              + device.uuid()
              + "/control-channel or for its fleet");
    }
    if (!connections.isConnected(link, device.uuid())) {
      throw new ApiException(
          ErrorCode.DEVICE_NOT_CONNECTED,
          "Device "
              + device.uuid()
              + " is not connected to the control channel; try again once it is online");
    }
  }

  /**
   * Returns those of {@code devices}, all of fleet {@code fleetId}, that are online with the
   * channel on, in their order, for fleet-wide messages. The switches are read in one query for the
   * fleet rather than one per device.
   *
   * <p>NOTE: online here is the retained presence, not {@link DeviceConnections}, because asking
   * the embedded broker costs one lookup per device; a connected device that never published
   * presence is left out of fleet-wide messages.
   */
  List<Device> reachable(ControlLink link, long fleetId, List<Device> devices) {
    List<Device> online = devices.stream().filter(device -> link.isOnline(device.uuid())).toList();
    return channelSwitch.filterEnabled(fleetId, online);
  }
}
