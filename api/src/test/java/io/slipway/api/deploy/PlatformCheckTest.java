package io.slipway.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.platform.Platform;
import org.junit.jupiter.api.Test;

class PlatformCheckTest {

  @Test
  void configOfSamePlatformAgrees() {
    assertThat(agrees("linux/arm64", "linux/arm64")).isTrue();
  }

  @Test
  void configOfOtherArchitectureDisagrees() {
    assertThat(agrees("linux/arm64", "linux/amd64")).isFalse();
  }

  @Test
  void configOfOtherOperatingSystemDisagrees() {
    assertThat(agrees("linux/amd64", "windows/amd64")).isFalse();
  }

  @Test
  void configOfOtherVariantDisagrees() {
    assertThat(agrees("linux/arm/v7", "linux/arm/v6")).isFalse();
  }

  @Test
  void missingVariantOnEitherSideAgrees() {
    assertThat(agrees("linux/arm64", "linux/arm64/v8")).isTrue();
    assertThat(agrees("linux/arm/v7", "linux/arm")).isTrue();
  }

  @Test
  void configWithoutPlatformDisagrees() {
    assertThat(PlatformCheck.sameMachine(Platform.parse("linux/amd64"), null)).isFalse();
  }

  private static boolean agrees(String offered, String stated) {
    return PlatformCheck.sameMachine(Platform.parse(offered), Platform.parse(stated));
  }
}
