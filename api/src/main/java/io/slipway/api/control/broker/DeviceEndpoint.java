package io.slipway.api.control.broker;

import java.net.URI;
import java.util.Objects;

/**
 * Where devices connect to the control channel. Immutable.
 *
 * @param url {@code mqtts://HOST:PORT} or {@code wss://HOST/PATH}; devices never get a plain URL
 *     unless the server runs for tests on loopback
 * @param caCertificatePem the PEM certificate that devices should trust for {@code url}, or null
 *     when the broker's certificate chains to a public CA
 */
public record DeviceEndpoint(URI url, String caCertificatePem) {

  public DeviceEndpoint {
    Objects.requireNonNull(url, "url");
  }
}
