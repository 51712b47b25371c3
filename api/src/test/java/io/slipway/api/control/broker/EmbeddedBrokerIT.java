package io.slipway.api.control.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.control.ControlProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the broker contract against the embedded HiveMQ on free loopback ports, with a device
 * admission backed by a map, standing in for the control plane's database lookup.
 */
class EmbeddedBrokerIT extends ControlBrokerContract {

  private final Map<String, String> keys = new ConcurrentHashMap<>();
  private Path dataDirectory;
  private EmbeddedBroker broker;

  @BeforeAll
  void startBroker() throws Exception {
    dataDirectory = Files.createTempDirectory("embedded-broker");
    ControlProperties.Embedded embedded =
        new ControlProperties.Embedded("127.0.0.1", 0, "127.0.0.1", 0, "/mqtt", null, null);
    broker =
        new EmbeddedBroker(
            new EmbeddedBrokerSettings(embedded, null, null, dataDirectory),
            (uuid, key) -> key.equals(keys.get(uuid)));
    broker.start();
  }

  @AfterAll
  void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void portFilesNameBoundPorts() throws Exception {
    assertThat(Files.readString(dataDirectory.resolve("control-broker.port")).strip())
        .isEqualTo(Integer.toString(broker.tlsPort()));
    assertThat(Files.readString(dataDirectory.resolve("control-broker-ws.port")).strip())
        .isEqualTo(Integer.toString(broker.websocketPort()));
  }

  @Test
  void deviceEndpointNamesTlsListener() {
    DeviceEndpoint endpoint = broker.deviceEndpoint();

    assertThat(endpoint.url()).hasToString("mqtts://127.0.0.1:" + broker.tlsPort());
    assertThat(endpoint.caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void serverLinkUsesLoopbackTls() {
    BrokerLink link = broker.serverLink();

    assertThat(link.url()).hasToString("ssl://127.0.0.1:" + broker.tlsPort());
    assertThat(link.toString()).doesNotContain(link.password());
  }

  @Override
  protected ControlBroker broker() {
    return broker;
  }

  @Override
  protected void allowInAdmission(String uuid, String key) {
    keys.put(uuid, key);
  }
}
