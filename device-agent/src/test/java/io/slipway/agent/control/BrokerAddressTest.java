package io.slipway.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class BrokerAddressTest {

  @Test
  void mqttsBecomesSsl() {
    assertThat(BrokerAddress.toPaho(URI.create("mqtts://slipway.example:8883")))
        .isEqualTo("ssl://slipway.example:8883");
  }

  @Test
  void mqttsWithoutPortUses8883() {
    assertThat(BrokerAddress.toPaho(URI.create("mqtts://slipway.example")))
        .isEqualTo("ssl://slipway.example:8883");
  }

  @Test
  void wssStaysAsItIs() {
    assertThat(BrokerAddress.toPaho(URI.create("wss://slipway.example/mqtt")))
        .isEqualTo("wss://slipway.example/mqtt");
  }

  @Test
  void plainMqttOnLoopbackIsAllowed() {
    assertThat(BrokerAddress.toPaho(URI.create("mqtt://127.0.0.1:1883")))
        .isEqualTo("tcp://127.0.0.1:1883");
  }

  @Test
  void plainMqttElsewhereIsRejected() {
    assertThatThrownBy(() -> BrokerAddress.toPaho(URI.create("mqtt://192.0.2.7:1883")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'mqtt://192.0.2.7:1883'")
        .hasMessageContaining("not encrypted");
  }

  @Test
  void unknownSchemeIsRejected() {
    assertThatThrownBy(() -> BrokerAddress.toPaho(URI.create("http://slipway.example")))
        .hasMessageContaining("'http'")
        .hasMessageContaining("mqtts://host:port");
  }

  @Test
  void tlsSchemesAreRecognized() {
    assertThat(BrokerAddress.usesTls("ssl://a:8883")).isTrue();
    assertThat(BrokerAddress.usesTls("wss://a/mqtt")).isTrue();
    assertThat(BrokerAddress.usesTls("tcp://127.0.0.1:1883")).isFalse();
  }
}
