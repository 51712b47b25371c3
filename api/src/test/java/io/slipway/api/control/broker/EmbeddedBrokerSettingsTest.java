package io.slipway.api.control.broker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.control.ControlProperties;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EmbeddedBrokerSettingsTest {

  private static final Path DATA = Path.of("/var/lib/slipway");

  @Test
  void portOutOfRangeNamesSetting() {
    assertThatThrownBy(() -> settings(70000, -1, "/mqtt", null))
        .isInstanceOf(ControlBrokerException.class)
        .hasMessageContaining("slipway.control.embedded.tls-port 70000");
  }

  @Test
  void invalidWebsocketPortNamesSetting() {
    assertThatThrownBy(() -> settings(0, -2, "/mqtt", null))
        .isInstanceOf(ControlBrokerException.class)
        .hasMessageContaining("slipway.control.embedded.websocket-port -2");
  }

  @Test
  void noListenerIsRejected() {
    assertThatThrownBy(() -> settings(-1, -1, "/mqtt", URI.create("wss://s.example/mqtt")))
        .isInstanceOf(ControlBrokerException.class)
        .hasMessageContaining("no listener");
  }

  @Test
  void websocketOnlyNeedsDeviceUrl() {
    assertThatThrownBy(() -> settings(-1, 0, "/mqtt", null))
        .isInstanceOf(ControlBrokerException.class)
        .hasMessageContaining("slipway.control.device-url");
  }

  @Test
  void relativeWebsocketPathIsRejected() {
    assertThatThrownBy(() -> settings(0, 0, "mqtt", null))
        .isInstanceOf(ControlBrokerException.class)
        .hasMessageContaining("websocket-path 'mqtt'");
  }

  @Test
  void keystoreWithoutPasswordIsRejected() {
    ControlProperties.Embedded embedded =
        new ControlProperties.Embedded("127.0.0.1", 0, "127.0.0.1", -1, "/mqtt", "b.p12", null);

    assertThatThrownBy(() -> new EmbeddedBrokerSettings(embedded, null, null, DATA))
        .isInstanceOf(ControlBrokerException.class)
        .hasMessageContaining("keystore-password");
  }

  private static EmbeddedBrokerSettings settings(
      int tlsPort, int websocketPort, String path, URI deviceUrl) {
    ControlProperties.Embedded embedded =
        new ControlProperties.Embedded(
            "127.0.0.1", tlsPort, "127.0.0.1", websocketPort, path, null, null);
    return new EmbeddedBrokerSettings(embedded, deviceUrl, null, DATA);
  }
}
