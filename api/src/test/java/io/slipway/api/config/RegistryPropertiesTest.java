package io.slipway.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryPropertiesTest {

  @Test
  void publicUrlWithQueryIsRejected() {
    assertThatThrownBy(
            () -> new RegistryProperties(false, 1, URI.create("https://a.example/?x=1"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slipway.registry.public-url")
        .hasMessageContaining("https://a.example/?x=1");
  }

  @Test
  void nonPositiveUploadLimitIsRejected() {
    assertThatThrownBy(() -> new RegistryProperties(false, 0, null, List.of()))
        .hasMessageContaining("slipway.registry.max-upload-bytes");
  }

  @Test
  void mirrorWithoutUpstreamNamesItsPrefix() {
    RegistryProperties.MirrorProperties mirror =
        new RegistryProperties.MirrorProperties("mirror/debian", null, null, null, null);

    assertThatThrownBy(mirror::toMirror).hasMessageContaining("'mirror/debian' has no upstream");
  }

  @Test
  void mirrorPasswordIsMasked() {
    RegistryProperties.MirrorProperties mirror =
        new RegistryProperties.MirrorProperties(
            "mirror/debian", URI.create("http://127.0.0.1:5000"), null, "bot", "hunter2");

    assertThat(mirror.toString()).doesNotContain("hunter2");
  }
}
