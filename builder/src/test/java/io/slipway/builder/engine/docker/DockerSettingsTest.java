package io.slipway.builder.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DockerSettingsTest {

  @Test
  void localUsesTheDefaultSocket() {
    DockerSettings settings = DockerSettings.local();

    assertThat(settings.host()).isEqualTo(URI.create("unix:///var/run/docker.sock"));
    assertThat(settings.apiVersion()).isNull();
    assertThat(settings.cacheRepository()).isEqualTo("slipway-build");
  }

  @Test
  void unixSocketAndLoopbackTcpAreLocal() {
    assertThat(DockerSettings.local().isLocal()).isTrue();
    assertThat(DockerSettings.of(URI.create("tcp://127.0.0.1:2375")).isLocal()).isTrue();
    assertThat(DockerSettings.of(URI.create("tcp://localhost:2375")).isLocal()).isTrue();
  }

  @Test
  void tcpToAnotherHostIsNotLocal() {
    assertThat(DockerSettings.of(URI.create("tcp://builder.internal:2375")).isLocal()).isFalse();
  }

  @Test
  void rejectsAnUnsupportedHostNamingIt() {
    assertThatThrownBy(() -> DockerSettings.of(URI.create("ssh://builder")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ssh://builder");
  }

  @Test
  void rejectsTcpWithoutPort() {
    assertThatThrownBy(() -> DockerSettings.of(URI.create("tcp://127.0.0.1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tcp://127.0.0.1");
  }

  @Test
  void rejectsAMalformedApiVersion() {
    assertThatThrownBy(
            () ->
                new DockerSettings(
                    DockerSettings.DEFAULT_HOST,
                    "v1.41",
                    Duration.ofSeconds(1),
                    Duration.ofMinutes(1),
                    "slipway-build"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("v1.41");
  }

  @Test
  void rejectsANonPositiveBuildTimeout() {
    assertThatThrownBy(() -> DockerSettings.local().withBuildTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("build timeout");
  }

  @Test
  void rejectsAnUpperCaseCacheRepository() {
    assertThatThrownBy(() -> DockerSettings.local().withCacheRepository("Cache"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Cache'");
  }
}
