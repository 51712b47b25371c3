package io.slipway.api.control.broker;

/**
 * The MQTT broker that carries the control channel: the embedded HiveMQ Community Edition by
 * default, or an external broker (Mosquitto with its dynamic-security plugin) that Slipway
 * configures. It authenticates devices by their device API key, confines each device to its own
 * topics ({@link io.slipway.api.control.ControlTopics}) and lets the server's own client publish
 * commands and read events.
 *
 * <p>Implementations are thread-safe. {@link #admit} and {@link #revoke} may be called from request
 * threads at any rate; they must not block for longer than one round trip to the broker.
 */
public interface ControlBroker extends AutoCloseable {

  /**
   * Starts the broker, or connects to the external one and applies Slipway's access rules there.
   *
   * @throws ControlBrokerException when it cannot start or the external broker refuses the
   *     configuration; the message names the broker's URL and what to fix
   */
  void start();

  /** How the server's own MQTT client connects; valid after {@link #start()}. */
  BrokerLink serverLink();

  /** What devices are told about connecting: URL and, for a private certificate, its CA. */
  DeviceEndpoint deviceEndpoint();

  /**
   * Lets device {@code uuid} connect with {@code deviceKey} as its password, confined to its own
   * topics. Idempotent. The caller has just checked the key over HTTPS, so the key is the device's
   * current one.
   *
   * @throws ControlBrokerException when the broker cannot be reached
   */
  void admit(String uuid, String deviceKey);

  /**
   * Disconnects device {@code uuid} at once and makes its credential stop working on the broker,
   * until {@link #admit} is called again. Idempotent; unknown devices are ignored.
   *
   * @throws ControlBrokerException when the broker cannot be reached
   */
  void revoke(String uuid);

  /**
   * Lets device {@code uuid} connect again after {@link #revoke} when the channel turns back on for
   * it, without knowing its key: the broker checks the key that the device presents as it does for
   * a device it has not seen. A revoked key still fails. Idempotent. Brokers that need the key to
   * hold a credential do nothing here and learn it at the device's next {@link #admit}.
   */
  default void readmit(String uuid) {}

  /**
   * Whether device {@code uuid} holds a connection to the broker right now, as the broker itself
   * sees it. Brokers that cannot tell throw {@link UnsupportedOperationException}.
   */
  boolean isConnected(String uuid);

  /** Stops the broker or the connection to it; idempotent. */
  @Override
  void close();
}
