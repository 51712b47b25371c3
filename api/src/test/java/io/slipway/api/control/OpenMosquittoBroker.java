package io.slipway.api.control;

import io.slipway.api.control.broker.BrokerLink;
import io.slipway.api.control.broker.ControlBroker;
import io.slipway.api.control.broker.DeviceEndpoint;
import java.net.URI;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * A {@link ControlBroker} for tests of the command path: an open Mosquitto that the test started,
 * where any client may connect and use any topic. It replaces the real brokers, whose admission and
 * revocation the broker contract tests prove, so that command tests can play devices that misbehave
 * on the wire. {@link #admit} and {@link #revoke} do nothing.
 */
public final class OpenMosquittoBroker implements ControlBroker {

  /** The setting that names the broker's URL, such as {@code tcp://127.0.0.1:1883}. */
  public static final String URL_SETTING = "slipway.test.mosquitto-url";

  private final URI url;

  OpenMosquittoBroker(URI url) {
    this.url = url;
  }

  /**
   * Adds the broker to a server started with {@code --spring.main.sources=} this class and {@code
   * --slipway.test.mosquitto-url=}. Primary, so it wins over a broker the server makes itself.
   */
  public static class Configuration {

    @Bean
    @Primary
    ControlBroker openMosquittoBroker(@Value("${" + URL_SETTING + "}") URI url) {
      return new OpenMosquittoBroker(url);
    }
  }

  @Override
  public void start() {
    // The test started Mosquitto already.
  }

  @Override
  public BrokerLink serverLink() {
    return new BrokerLink(url, "slipway-server", "unused", null);
  }

  @Override
  public DeviceEndpoint deviceEndpoint() {
    return new DeviceEndpoint(url, null);
  }

  @Override
  public void admit(String uuid, String deviceKey) {
    // An open broker lets every client in.
  }

  @Override
  public void revoke(String uuid) {
    // An open broker cannot shut a client out.
  }

  @Override
  public boolean isConnected(String uuid) {
    throw new UnsupportedOperationException("An open Mosquitto does not report its clients");
  }

  @Override
  public void close() {
    // The test stops Mosquitto.
  }
}
