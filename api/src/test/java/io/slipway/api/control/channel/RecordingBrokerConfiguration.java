package io.slipway.api.control.channel;

import io.slipway.api.control.broker.BrokerLink;
import io.slipway.api.control.broker.ControlBroker;
import io.slipway.api.control.broker.DeviceEndpoint;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Adds a {@link ControlBroker} that records which devices the server admits and cuts off. Started
 * with {@code --spring.main.sources} by tests that assert exactly those calls.
 *
 * <p>NOTE: this stands in for the real broker because these tests check the calls the control plane
 * makes, not what a broker does with them; the broker's own tests cover that.
 */
// Not a @Configuration: component scanning would then add this broker to every test server.
public class RecordingBrokerConfiguration {

  /** The argument that adds this configuration to a test server. */
  public static final String ARGUMENT =
      "--spring.main.sources=" + RecordingBrokerConfiguration.class.getName();

  @Bean
  @Primary
  RecordingBroker recordingBroker() {
    return new RecordingBroker();
  }

  /** A broker that only records calls. Thread-safe. */
  public static final class RecordingBroker implements ControlBroker {

    /** The URL devices are told. */
    public static final URI URL = URI.create("mqtts://127.0.0.1:8883");

    private final List<String> admitted = new CopyOnWriteArrayList<>();
    private final List<String> revoked = new CopyOnWriteArrayList<>();

    /** Returns {@code uuid:key} of every admit call, oldest first. */
    public List<String> admitted() {
      return List.copyOf(admitted);
    }

    /** Returns the UUID of every revoke call, oldest first. */
    public List<String> revoked() {
      return List.copyOf(revoked);
    }

    @Override
    public void start() {}

    @Override
    public BrokerLink serverLink() {
      return new BrokerLink(URL, "slipway-server", "unused", null);
    }

    @Override
    public DeviceEndpoint deviceEndpoint() {
      return new DeviceEndpoint(
          URL, "-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----");
    }

    @Override
    public void admit(String uuid, String deviceKey) {
      admitted.add(uuid + ":" + deviceKey);
    }

    @Override
    public void revoke(String uuid) {
      revoked.add(uuid);
    }

    @Override
    public boolean isConnected(String uuid) {
      return false;
    }

    @Override
    public void close() {}
  }
}
