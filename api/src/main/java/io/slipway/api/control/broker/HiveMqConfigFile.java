package io.slipway.api.control.broker;

import io.slipway.api.config.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes the embedded HiveMQ's {@code config.xml}: the listeners, in-memory persistence and no
 * anonymous usage statistics. HiveMQ Community Edition 2025.5 has no update check at all (neither
 * code nor setting), so there is nothing to switch off for it. The file contains the keystore
 * password, so it is written with mode 0600. Stateless and thread-safe.
 */
final class HiveMqConfigFile {

  /** Name of the TLS listener in the configuration, used to find its bound port. */
  static final String TLS_LISTENER = "slipway-tls";

  /** Name of the WebSocket listener in the configuration, used to find its bound port. */
  static final String WEBSOCKET_LISTENER = "slipway-websocket";

  /**
   * How many messages the broker holds for one client that has not taken them yet: room for every
   * device of a large fleet to acknowledge at once, several times over.
   */
  static final int MAX_QUEUED_MESSAGES = 100_000;

  private HiveMqConfigFile() {}

  /**
   * Returns the configuration for the given listeners.
   *
   * @param tls the TLS listener, or null for none
   * @param websocket the plain WebSocket listener, or null for none
   */
  static String render(TlsListener tls, WebsocketListener websocket) {
    StringBuilder xml = new StringBuilder();
    xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.append("<!-- Written by the Slipway server at each start; edits are lost. -->\n");
    xml.append("<hivemq>\n  <listeners>\n");
    if (tls != null) {
      appendTls(xml, tls);
    }
    if (websocket != null) {
      appendWebsocket(xml, websocket);
    }
    xml.append("  </listeners>\n");
    appendQueue(xml);
    xml.append("  <persistence>\n    <mode>in-memory</mode>\n  </persistence>\n");
    xml.append("  <anonymous-usage-statistics>\n    <enabled>false</enabled>\n");
    xml.append("  </anonymous-usage-statistics>\n");
    // Every client must present a client id: devices use their UUID.
    xml.append("  <security>\n    <allow-empty-client-id>\n      <enabled>false</enabled>\n");
    xml.append("    </allow-empty-client-id>\n  </security>\n");
    xml.append("</hivemq>\n");
    return xml.toString();
  }

  /** Writes {@link #render} to {@code folder/config.xml}, mode 0600, atomically. */
  static void write(Path folder, TlsListener tls, WebsocketListener websocket) throws IOException {
    byte[] content = render(tls, websocket).getBytes(StandardCharsets.UTF_8);
    PrivateFiles.writePrivate(folder.resolve("config.xml"), content);
  }

  /**
   * Sizes each client's queue of undelivered messages. HiveMQ keeps at most 1,000 by default and
   * drops the rest. The server's one subscription receives every device's events, so when thousands
   * of devices acknowledged a fleet-wide command at once, those past 1,000 were lost and their
   * commands timed out. The limit stays finite so that a device flooding its events topic costs the
   * broker bounded memory; past it, new messages are dropped.
   */
  private static void appendQueue(StringBuilder xml) {
    xml.append("  <mqtt>\n    <queued-messages>\n");
    element(xml, "      ", "max-queue-size", Integer.toString(MAX_QUEUED_MESSAGES));
    element(xml, "      ", "strategy", "discard");
    xml.append("    </queued-messages>\n  </mqtt>\n");
  }

  private static void appendTls(StringBuilder xml, TlsListener tls) {
    xml.append("    <tls-tcp-listener>\n");
    appendAddress(xml, tls.port(), tls.bindAddress(), TLS_LISTENER);
    xml.append("      <tls>\n        <keystore>\n");
    element(xml, "          ", "path", tls.keystore().toString());
    element(xml, "          ", "password", tls.password());
    element(xml, "          ", "private-key-password", tls.password());
    xml.append("        </keystore>\n        <protocols>\n");
    xml.append("          <protocol>TLSv1.3</protocol>\n");
    xml.append("          <protocol>TLSv1.2</protocol>\n");
    xml.append("        </protocols>\n");
    xml.append("        <client-authentication-mode>NONE</client-authentication-mode>\n");
    xml.append("      </tls>\n    </tls-tcp-listener>\n");
  }

  private static void appendWebsocket(StringBuilder xml, WebsocketListener websocket) {
    xml.append("    <websocket-listener>\n");
    appendAddress(xml, websocket.port(), websocket.bindAddress(), WEBSOCKET_LISTENER);
    element(xml, "      ", "path", websocket.path());
    xml.append("      <subprotocols>\n");
    xml.append("        <subprotocol>mqtt</subprotocol>\n");
    xml.append("        <subprotocol>mqttv3.1</subprotocol>\n");
    xml.append("      </subprotocols>\n");
    xml.append("      <allow-extensions>true</allow-extensions>\n");
    xml.append("    </websocket-listener>\n");
  }

  private static void appendAddress(StringBuilder xml, int port, String bindAddress, String name) {
    element(xml, "      ", "port", Integer.toString(port));
    element(xml, "      ", "bind-address", bindAddress);
    element(xml, "      ", "name", name);
  }

  private static void element(StringBuilder xml, String indent, String name, String value) {
    xml.append(indent).append('<').append(name).append('>');
    xml.append(escape(value));
    xml.append("</").append(name).append(">\n");
  }

  private static String escape(String value) {
    return value
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&apos;");
  }

  /**
   * The MQTT-over-TLS listener.
   *
   * @param port the port, 0 for a free one
   * @param bindAddress the address to listen on
   * @param keystore the PKCS#12 file with the key and certificate
   * @param password the keystore's and the key's password
   */
  record TlsListener(int port, String bindAddress, Path keystore, String password) {

    @Override
    public String toString() {
      return "TlsListener[port=" + port + ", bindAddress=" + bindAddress + "]";
    }
  }

  /**
   * The plain MQTT-over-WebSocket listener that a reverse proxy terminating TLS forwards to.
   *
   * @param port the port, 0 for a free one
   * @param bindAddress the address to listen on
   * @param path the WebSocket path, such as {@code /mqtt}
   */
  record WebsocketListener(int port, String bindAddress, String path) {}
}
