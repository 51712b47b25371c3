package io.slipway.api.control.channel;

import io.slipway.api.control.broker.ControlBroker;
import io.slipway.api.control.link.ControlLink;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Whether a device is connected to the control channel, the one result that commands, terminals and
 * {@code GET .../control-channel} share. The broker is asked where it can tell, because a device's
 * retained presence is only what it last published: a device cut off, or gone without a last will,
 * may still read as online, and a connected device that never published reads as offline. Brokers
 * that cannot tell (an external Mosquitto) fall back to presence. Thread-safe.
 */
@Component
public class DeviceConnections {

  private final ObjectProvider<ControlBroker> broker;

  DeviceConnections(ObjectProvider<ControlBroker> broker) {
    this.broker = broker;
  }

  /**
   * Returns whether device {@code uuid} is connected, using {@code link}'s presence as fallback.
   */
  public boolean isConnected(ControlLink link, String uuid) {
    ControlBroker running = broker.getIfAvailable();
    if (running == null) {
      return link.isOnline(uuid);
    }
    try {
      return running.isConnected(uuid);
    } catch (UnsupportedOperationException e) {
      return link.isOnline(uuid);
    }
  }
}
