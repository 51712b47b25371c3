package io.slipway.api.control.channel;

import io.slipway.api.control.broker.BrokerLink;
import io.slipway.api.control.broker.ControlBroker;
import io.slipway.api.control.broker.DeviceEndpoint;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Wraps the server's real control broker in one that records which devices the server admits and
 * cuts off, and passes every call on. Started with {@code --spring.main.sources} by tests that
 * assert exactly those calls. It carries no {@code @Configuration}, so that component scanning does
 * not add it to every test server.
 */
public class RecordingBrokerConfiguration {

  /** The argument that adds this configuration to a test server. */
  public static final String ARGUMENT =
      "--spring.main.sources=" + RecordingBrokerConfiguration.class.getName();

  @Bean
  @Primary
  RecordingBroker recordingBroker(@Qualifier("controlBroker") ControlBroker real) {
    return new RecordingBroker(real);
  }

  /** A broker that records calls and passes them on. Thread-safe. */
  public static final class RecordingBroker implements ControlBroker {

    private final ControlBroker real;
    private final List<String> admitted = new CopyOnWriteArrayList<>();
    private final List<String> revoked = new CopyOnWriteArrayList<>();
    private final List<String> readmitted = new CopyOnWriteArrayList<>();

    RecordingBroker(ControlBroker real) {
      this.real = real;
    }

    /** Returns {@code uuid:key} of every admit call, oldest first. */
    public List<String> admitted() {
      return List.copyOf(admitted);
    }

    /** Returns the UUID of every revoke call, oldest first. */
    public List<String> revoked() {
      return List.copyOf(revoked);
    }

    @Override
    public void start() {
      // The real broker was started by its own bean.
    }

    @Override
    public BrokerLink serverLink() {
      return real.serverLink();
    }

    @Override
    public DeviceEndpoint deviceEndpoint() {
      return real.deviceEndpoint();
    }

    @Override
    public void admit(String uuid, String deviceKey) {
      admitted.add(uuid + ":" + deviceKey);
      real.admit(uuid, deviceKey);
    }

    @Override
    public void revoke(String uuid) {
      revoked.add(uuid);
      real.revoke(uuid);
    }

    @Override
    public void readmit(String uuid) {
      readmitted.add(uuid);
      real.readmit(uuid);
    }

    /** Returns the UUID of every readmit call, oldest first. */
    public List<String> readmitted() {
      return List.copyOf(readmitted);
    }

    @Override
    public boolean isConnected(String uuid) {
      return real.isConnected(uuid);
    }

    @Override
    public void close() {
      // The real broker's bean closes it.
    }
  }
}
