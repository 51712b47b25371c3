package io.slipway.builder.engine.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BuildKitSettingsTest {

  @Test
  void dockerMeansEmbedded() {
    BuildKitSettings settings = new BuildKitSettings("docker");

    assertThat(settings.embedded()).isTrue();
    assertThat(settings.dockerSocket()).isEqualTo(BuildKitSettings.DEFAULT_DOCKER_SOCKET);
  }

  @Test
  void tcpAddressGivesHostAndPort() {
    BuildKitSettings settings = new BuildKitSettings("tcp://127.0.0.1:1234");

    assertThat(settings.embedded()).isFalse();
    assertThat(settings.tcpTarget()).isEqualTo("127.0.0.1:1234");
  }

  @Test
  void rejectsOtherAddresses() {
    for (String address : new String[] {"unix:///run/buildkit.sock", "tcp://host", "127.0.0.1:1"}) {
      assertThatThrownBy(() -> new BuildKitSettings(address))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + address + "'");
    }
  }
}
