package io.slipway.agent.client;

import java.net.URI;
import java.time.Instant;

/**
 * The control channel's setting for this device, as {@code GET /device/v1/{uuid}/control-channel}
 * returns it. Immutable.
 *
 * @param enabled whether the device may keep a connection to the broker now
 * @param until when a device's own setting lapses and the fleet's applies again, or null
 * @param url the broker's URL ({@code mqtts://host:port} or {@code wss://host/path}), or null when
 *     the server names none
 * @param caCertificate the PEM certificate of the CA that signed the broker's certificate, or null
 *     to trust the JVM's default CAs
 * @param keepAliveSeconds the MQTT keep-alive interval in seconds; 0 lets the client pick its own
 */
public record ControlChannelSettings(
    boolean enabled, Instant until, URI url, String caCertificate, int keepAliveSeconds) {

  /** The setting of a channel that is switched off. */
  public static final ControlChannelSettings DISABLED =
      new ControlChannelSettings(false, null, null, null, 0);

  /**
   * @throws IllegalArgumentException naming the value when {@code keepAliveSeconds} is negative
   */
  public ControlChannelSettings {
    if (keepAliveSeconds < 0) {
      throw new IllegalArgumentException(
          "keepAliveSeconds is " + keepAliveSeconds + ": use 0 or more seconds");
    }
  }
}
