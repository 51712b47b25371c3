package io.slipway.api.control.broker;

import io.slipway.api.control.ControlProperties;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the embedded broker needs to start. Validated here, so that bad settings stop the server at
 * startup with a message naming the setting and the fix. Immutable.
 *
 * @param embedded the listeners and keystore under {@code slipway.control.embedded.*}
 * @param deviceUrl {@code slipway.control.device-url}, or null to tell devices the TLS listener
 * @param publicHost the host of {@code slipway.registry.public-url}, or null. Devices connect to
 *     it, and a generated certificate names it
 * @param dataDirectory the server's data directory
 */
public record EmbeddedBrokerSettings(
    ControlProperties.Embedded embedded, URI deviceUrl, String publicHost, Path dataDirectory) {

  public EmbeddedBrokerSettings {
    Objects.requireNonNull(embedded, "embedded");
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    checkPort("slipway.control.embedded.tls-port", embedded.tlsPort());
    checkPort("slipway.control.embedded.websocket-port", embedded.websocketPort());
    if (embedded.tlsPort() < 0 && embedded.websocketPort() < 0) {
      throw new ControlBrokerException(
          "slipway.control.embedded.tls-port and websocket-port are both -1, so the control broker"
              + " would have no listener: set tls-port (0 picks a free port), or set"
              + " slipway.control.enabled=false to run without the control channel");
    }
    if (embedded.tlsPort() < 0 && deviceUrl == null) {
      throw new ControlBrokerException(
          "slipway.control.embedded.tls-port is -1 but slipway.control.device-url is unset, so"
              + " devices would have nowhere to connect: set device-url to the wss:// URL of the"
              + " reverse proxy in front of the WebSocket listener");
    }
    String path = embedded.websocketPath();
    if (path == null || !path.startsWith("/")) {
      throw new ControlBrokerException(
          "Invalid slipway.control.embedded.websocket-path '"
              + path
              + "': use a path that starts with '/', such as /mqtt");
    }
    if (embedded.keystore() != null && embedded.keystorePassword() == null) {
      throw new ControlBrokerException(
          "slipway.control.embedded.keystore is set but keystore-password is not: set"
              + " slipway.control.embedded.keystore-password to the PKCS#12 file's password");
    }
    dataDirectory = dataDirectory.toAbsolutePath().normalize();
  }

  private static void checkPort(String setting, int port) {
    if (port < -1 || port > 65535) {
      throw new ControlBrokerException(
          "Invalid "
              + setting
              + " "
              + port
              + ": use a port from 1 to 65535, 0 for a free port, or -1 to turn the listener off");
    }
  }
}
