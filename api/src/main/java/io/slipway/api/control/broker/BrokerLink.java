package io.slipway.api.control.broker;

import java.net.URI;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How the server's own MQTT client reaches the broker. Immutable; {@link #toString()} leaves the
 * password out.
 *
 * @param url {@code tcp://}, {@code ssl://}, {@code ws://} or {@code wss://} URL in Paho's form
 * @param username the server's user name on the broker
 * @param password the server's password on the broker
 * @param sslContext trust for a TLS URL whose certificate is private; null for the JVM's defaults
 */
public record BrokerLink(URI url, String username, String password, SSLContext sslContext) {

  public BrokerLink {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "BrokerLink[url=" + url + ", username=" + username + "]";
  }
}
