package io.slipway.api.control.broker;

import io.slipway.api.control.ControlProperties;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The checked settings of an external Mosquitto: how the server connects, and the endpoint that
 * devices receive. Immutable.
 *
 * @param adminLink the broker URL with the admin user, and trust for its CA when one is set
 * @param deviceEndpoint the URL devices connect to, with the same CA's PEM when one is set
 */
record ExternalMosquittoSettings(BrokerLink adminLink, DeviceEndpoint deviceEndpoint) {

  private static final Set<String> SERVER_SCHEMES = Set.of("tcp", "ssl", "ws", "wss");
  private static final Map<String, String> DEVICE_SCHEMES =
      Map.of("tcp", "mqtt", "ssl", "mqtts", "ws", "ws", "wss", "wss");

  /**
   * Checks {@code external} and {@code deviceUrl}, and reads the CA certificate.
   *
   * @throws ControlBrokerException naming the setting that is missing or invalid, and the fix
   */
  static ExternalMosquittoSettings check(ControlProperties.External external, URI deviceUrl) {
    if (external == null || external.url() == null) {
      throw new ControlBrokerException(
          "slipway.control.external.url is missing; set it to the Mosquitto broker's URL, such as"
              + " ssl://mqtt.example:8883");
    }
    URI url = external.url();
    if (!SERVER_SCHEMES.contains(String.valueOf(url.getScheme())) || url.getHost() == null) {
      throw new ControlBrokerException(
          "slipway.control.external.url "
              + url
              + " is invalid; use tcp://HOST:PORT, ssl://HOST:PORT, ws://HOST:PORT/PATH or"
              + " wss://HOST:PORT/PATH");
    }
    requireText("slipway.control.external.username", external.username());
    requireText("slipway.control.external.password", external.password());

    String caPem = readCaCertificate(external.caCertificate());
    SSLContext trust = caPem == null ? null : trusting(caPem, external.caCertificate());
    // Paho rejects a TLS socket factory on a plain URL; the CA may still serve the devices.
    boolean tls = url.getScheme().equals("ssl") || url.getScheme().equals("wss");
    BrokerLink link =
        new BrokerLink(url, external.username(), external.password(), tls ? trust : null);
    URI devices = deviceUrl != null ? deviceUrl : deviceUrlOf(url);
    return new ExternalMosquittoSettings(link, new DeviceEndpoint(devices, caPem));
  }

  /**
   * Returns the broker's own URL in the form devices use. A plain URL is accepted only on loopback,
   * because devices connect over TLS.
   */
  private static URI deviceUrlOf(URI url) {
    String scheme = DEVICE_SCHEMES.get(url.getScheme());
    boolean plain = scheme.equals("mqtt") || scheme.equals("ws");
    if (plain && !isLoopback(url.getHost())) {
      throw new ControlBrokerException(
          "slipway.control.device-url is missing and slipway.control.external.url "
              + url
              + " is not TLS; set slipway.control.device-url to the broker's TLS URL, such as"
              + " mqtts://mqtt.example:8883");
    }
    return URI.create(scheme + url.toString().substring(url.getScheme().length()));
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void requireText(String setting, String value) {
    if (value == null || value.isBlank()) {
      throw new ControlBrokerException(
          setting
              + " is missing; set it for a Mosquitto user that has the dynamic-security admin"
              + " role (mosquitto_ctrl dynsec init creates one)");
    }
  }

  private static String readCaCertificate(String file) {
    if (file == null || file.isBlank()) {
      return null;
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new ControlBrokerException(
          "slipway.control.external.ca-certificate "
              + file
              + " cannot be read ("
              + e.getMessage()
              + "); set it to a readable PEM file with the broker's CA certificate",
          e);
    }
  }

  private static SSLContext trusting(String pem, String file) {
    try {
      return TrustedCertificates.trustingPem(pem);
    } catch (GeneralSecurityException e) {
      throw new ControlBrokerException(
          "slipway.control.external.ca-certificate "
              + file
              + " is not a valid PEM certificate ("
              + e.getMessage()
              + "); set it to the broker's CA certificate in PEM form",
          e);
    }
  }
}
