package io.slipway.api.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class BuilderPropertiesTest {

  @Test
  void standaloneBuildkitdIsRejected() {
    assertThatThrownBy(() -> new BuilderProperties.BuildKit("tcp://127.0.0.1:1234"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slipway.builder.buildkit.address")
        .hasMessageContaining("'tcp://127.0.0.1:1234'")
        .hasMessageContaining("standalone buildkitd is not supported")
        .hasMessageContaining("Set it to 'docker'");
  }

  @Test
  void unknownBuildkitAddressIsRejected() {
    assertThatThrownBy(() -> new BuilderProperties.BuildKit("unix:///run/buildkit.sock"))
        .hasMessageContaining("'unix:///run/buildkit.sock'")
        .hasMessageContaining("Set it to 'docker'");
  }

  @Test
  void dockerAndUnsetAddressesAreAccepted() {
    assertThat(new BuilderProperties.BuildKit(" docker ").address()).isEqualTo(" docker ");
    assertThat(new BuilderProperties.BuildKit(null).address()).isNull();
    assertThat(new BuilderProperties.BuildKit("").address()).isEmpty();
  }

  @Test
  void bindingAStandaloneAddressFailsAtStartup() {
    Binder binder =
        new Binder(
            new MapConfigurationPropertySource(
                Map.of("slipway.builder.buildkit.address", "tcp://127.0.0.1:1234")));

    assertThatThrownBy(() -> binder.bind("slipway.builder", BuilderProperties.class))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("slipway.builder.buildkit.address is 'tcp://127.0.0.1:1234'");
  }
}
