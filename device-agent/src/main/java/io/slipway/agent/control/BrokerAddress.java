package io.slipway.agent.control;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Maps a broker URL as the server and config.json write it to the URI that Paho connects to: {@code
 * mqtts://host:port} becomes {@code ssl://host:port} (port 8883 when none is given) and {@code
 * wss://host[:port]/path} stays as it is. Plain {@code mqtt://} and {@code ws://} are accepted only
 * for a loopback host, where tests run a broker without TLS; devices connect over TLS. Stateless
 * and thread-safe.
 */
public final class BrokerAddress {

  /** The MQTT-over-TLS port used when an {@code mqtts://} URL names none. */
  public static final int DEFAULT_TLS_PORT = 8883;

  private BrokerAddress() {}

  /**
   * Returns the Paho server URI for {@code url}.
   *
   * @throws IllegalArgumentException naming the URL and the accepted forms when its scheme is not
   *     supported, it has no host, or it requests plain text to a host that is not loopback
   */
  public static String toPaho(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
    if (url.getHost() == null) {
      throw invalid(url, "it has no host");
    }
    return switch (scheme) {
      case "mqtts" -> "ssl://" + hostPort(url, DEFAULT_TLS_PORT);
      case "wss" -> url.toString();
      case "mqtt" -> "tcp://" + hostPort(url, 1883) + requireLoopback(url);
      case "ws" -> requireLoopback(url) + url;
      default -> throw invalid(url, "the scheme '" + scheme + "' is not supported");
    };
  }

  /** Returns whether Paho connects to {@code pahoUri} over TLS. */
  public static boolean usesTls(String pahoUri) {
    return pahoUri.startsWith("ssl://") || pahoUri.startsWith("wss://");
  }

  private static String hostPort(URI url, int defaultPort) {
    String host = url.getHost();
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return host + ":" + (url.getPort() == -1 ? defaultPort : url.getPort());
  }

  /** Returns "" when the host is loopback, so that callers can append it. */
  private static String requireLoopback(URI url) {
    try {
      if (InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
        return "";
      }
    } catch (UnknownHostException e) {
      // Falls through: an unknown host is no loopback host.
    }
    throw invalid(url, "it is not encrypted and its host is not loopback");
  }

  private static IllegalArgumentException invalid(URI url, String reason) {
    return new IllegalArgumentException(
        "Control channel URL '"
            + url
            + "' is invalid because "
            + reason
            + ": use mqtts://host:port or wss://host/path");
  }
}
