package io.slipway.api.control.link;

import java.util.function.BiConsumer;

/**
 * The server's own MQTT connection to the control channel's broker: it publishes commands to
 * devices, and hands devices' events and presence to listeners. It reconnects by itself and
 * resubscribes after a broker restart. Thread-safe.
 */
public interface ControlLink {

  /**
   * Publishes {@code json} to device {@code uuid}'s command topic with QoS 1.
   *
   * @throws io.slipway.api.control.broker.ControlBrokerException when the link is down
   */
  void publish(String uuid, byte[] json);

  /** Whether device {@code uuid} last said it was online (its retained presence message). */
  boolean isOnline(String uuid);

  /**
   * Forgets device {@code uuid}'s presence until it publishes again, for a device that the server
   * has just cut off the broker.
   */
  void forgetPresence(String uuid);

  /**
   * Registers a listener for events devices publish on their own event topic. The listener gets the
   * device UUID (taken from the topic, not the payload) and the raw payload, on the link's thread;
   * it must not block.
   */
  void onEvent(BiConsumer<String, byte[]> listener);
}
