package io.slipway.api.control.broker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.control.ControlProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ControlBrokerConfigurationTest {

  @Test
  void unknownBrokerKindNamesSetting() {
    assertThatThrownBy(() -> brokerOfKind("rabbit"))
        .isInstanceOf(ControlBrokerException.class)
        .hasMessageContaining("slipway.control.broker 'rabbit'");
  }

  /** Creates the broker of {@code kind}; an unknown kind fails before the rest is needed. */
  private static ControlBroker brokerOfKind(String kind) {
    ControlProperties control =
        new ControlProperties(
            true,
            kind,
            new ControlProperties.Embedded("127.0.0.1", 0, "127.0.0.1", -1, "/mqtt", null, null),
            new ControlProperties.External(null, null, null, null),
            null,
            Duration.ofSeconds(30),
            new ControlProperties.Terminal(Duration.ofMinutes(30), Duration.ofSeconds(15)),
            new ControlProperties.Ssh(0, "127.0.0.1"));
    return new ControlBrokerConfiguration().controlBroker(control, null, null, null);
  }
}
