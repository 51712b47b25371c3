package io.slipway.api.control;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the device control channel under {@code slipway.control.*}.
 *
 * @param enabled false runs the server without any control channel: no broker, no SSH gateway, and
 *     devices are told that the channel is off
 * @param broker {@code embedded} (HiveMQ Community Edition inside the server) or {@code external}
 * @param embedded settings of the embedded broker
 * @param external settings of an external broker
 * @param deviceUrl the URL devices are told to connect to, such as {@code
 *     wss://slipway.example/mqtt} behind a reverse proxy; null to derive it from the embedded
 *     broker's TLS listener
 * @param commandTimeout how long a device has to answer a command unless the request says
 * @param terminal settings of terminal sessions
 * @param ssh settings of the SSH gateway
 */
@ConfigurationProperties("slipway.control")
public record ControlProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("embedded") String broker,
    @DefaultValue Embedded embedded,
    @DefaultValue External external,
    URI deviceUrl,
    @DefaultValue("PT30S") Duration commandTimeout,
    @DefaultValue Terminal terminal,
    @DefaultValue Ssh ssh) {

  /**
   * The embedded broker's listeners. Ports may be 0 for a free port; the bound ports are written to
   * {@code DATA/control-broker.port} and {@code DATA/control-broker-ws.port}.
   *
   * @param bindAddress address of the TLS listener; loopback by default, like {@code
   *     server.address}, so that nothing listens beyond the machine until configured to
   * @param tlsPort port of the MQTT-over-TLS listener; -1 turns it off
   * @param websocketBindAddress address of the plain WebSocket listener that a reverse proxy
   *     terminating TLS forwards to
   * @param websocketPort port of that listener; -1 (the default) turns it off
   * @param websocketPath the WebSocket path, {@code /mqtt} by default
   * @param keystore PKCS#12 file with the TLS key and certificate; null to generate a self-signed
   *     one in {@code DATA/keys/control-broker.p12} at first start
   * @param keystorePassword password of {@code keystore}
   */
  public record Embedded(
      @DefaultValue("127.0.0.1") String bindAddress,
      @DefaultValue("8883") int tlsPort,
      @DefaultValue("127.0.0.1") String websocketBindAddress,
      @DefaultValue("-1") int websocketPort,
      @DefaultValue("/mqtt") String websocketPath,
      String keystore,
      String keystorePassword) {

    @Override
    public String toString() {
      return "Embedded[bindAddress="
          + bindAddress
          + ", tlsPort="
          + tlsPort
          + ", websocketPort="
          + websocketPort
          + ", keystore="
          + keystore
          + "]";
    }
  }

  /**
   * An external broker that Slipway configures through Mosquitto's dynamic-security plugin.
   *
   * @param url the broker as the server reaches it: {@code tcp://}, {@code ssl://}, {@code ws://}
   *     or {@code wss://}
   * @param username a broker user holding the dynamic-security admin role
   * @param password that user's password
   * @param caCertificate PEM file to trust for a TLS {@code url}; null for the JVM's defaults
   */
  public record External(URI url, String username, String password, String caCertificate) {

    @Override
    public String toString() {
      return "External[url=" + url + ", username=" + username + "]";
    }
  }

  /**
   * Terminal sessions.
   *
   * @param idleTimeout a session with no traffic either way for this long is closed
   * @param dialTimeout how long the device has to dial the tunnel back after being asked
   */
  public record Terminal(
      @DefaultValue("PT30M") Duration idleTimeout, @DefaultValue("PT15S") Duration dialTimeout) {}

  /**
   * The SSH gateway.
   *
   * @param port port of the gateway; 0 for a free one (written to {@code DATA/ssh.port}), -1 turns
   *     the gateway off
   * @param bindAddress address it listens on; loopback by default, like {@code server.address}
   */
  public record Ssh(
      @DefaultValue("2222") int port, @DefaultValue("127.0.0.1") String bindAddress) {}
}
