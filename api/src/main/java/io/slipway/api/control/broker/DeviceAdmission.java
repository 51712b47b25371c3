package io.slipway.api.control.broker;

/**
 * Decides whether a device may connect to the embedded broker: its device key is its current one,
 * and the control channel is enabled for it. Implemented by the control plane; the embedded broker
 * asks it on every CONNECT. Thread-safe; answers from memory or one indexed query.
 */
@FunctionalInterface
public interface DeviceAdmission {

  /**
   * Returns whether device {@code uuid} may connect with {@code deviceKey}.
   *
   * @param uuid the MQTT user name the client presented
   * @param deviceKey the MQTT password the client presented
   */
  boolean admits(String uuid, String deviceKey);
}
