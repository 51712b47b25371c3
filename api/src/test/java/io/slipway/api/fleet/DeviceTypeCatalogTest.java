package io.slipway.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeviceTypeCatalogTest {

  private final DeviceTypeCatalog catalog = DeviceTypeCatalog.builtIn();

  @Test
  void builtInListHasTheCommonBoards() {
    assertThat(catalog.slugs())
        .contains(
            "raspberrypi4-64",
            "raspberrypi3",
            "raspberrypi5",
            "generic-amd64",
            "generic-aarch64",
            "beaglebone-black");
  }

  @Test
  void raspberryPi3IsArmv7WithItsOciPlatform() {
    Architecture architecture = catalog.find("raspberrypi3").orElseThrow().architecture();

    assertThat(architecture.platform()).isEqualTo("linux/arm/v7");
  }

  @Test
  void aarch64DeviceMayJoinAnArmv7Fleet() {
    DeviceType pi4 = catalog.find("raspberrypi4-64").orElseThrow();
    DeviceType pi3 = catalog.find("raspberrypi3").orElseThrow();

    assertThat(pi4.canJoinFleetOf(pi3)).isTrue();
  }

  @Test
  void armv7DeviceMayNotJoinAnAarch64Fleet() {
    DeviceType pi3 = catalog.find("raspberrypi3").orElseThrow();
    DeviceType pi4 = catalog.find("raspberrypi4-64").orElseThrow();

    assertThat(pi3.canJoinFleetOf(pi4)).isFalse();
  }

  @Test
  void amd64DeviceMayNotJoinAnArmFleet() {
    DeviceType amd64 = catalog.find("generic-amd64").orElseThrow();
    DeviceType pi5 = catalog.find("raspberrypi5").orElseThrow();

    assertThat(amd64.canJoinFleetOf(pi5)).isFalse();
  }

  @Test
  void raspberryPiZeroIsArmv6() {
    Architecture architecture = catalog.find("raspberry-pi").orElseThrow().architecture();

    assertThat(architecture.name()).isEqualTo("rpi");
    assertThat(architecture.platform()).isEqualTo("linux/arm/v6");
  }

  @Test
  void armv7AndAarch64DevicesMayJoinAnArmv6Fleet() {
    DeviceType zero = catalog.find("raspberry-pi").orElseThrow();

    assertThat(catalog.find("raspberrypi3").orElseThrow().canJoinFleetOf(zero)).isTrue();
    assertThat(catalog.find("raspberrypi4-64").orElseThrow().canJoinFleetOf(zero)).isTrue();
  }

  @Test
  void armv6DeviceMayNotJoinAnArmv7Fleet() {
    DeviceType zero = catalog.find("raspberry-pi").orElseThrow();
    DeviceType pi3 = catalog.find("raspberrypi3").orElseThrow();

    assertThat(zero.canJoinFleetOf(pi3)).isFalse();
  }

  @Test
  void unknownSlugIsAbsent() {
    assertThat(catalog.find("toaster")).isEmpty();
  }

  @Test
  void deviceTypeWithUnknownArchitectureIsRejected() {
    String json =
        """
        {"architectures": [],
         "deviceTypes": [{"slug": "x", "name": "X", "architecture": "mips"}]}
        """;

    assertThatThrownBy(
            () ->
                DeviceTypeCatalog.parse(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))))
        .hasMessageContaining("'mips'");
  }
}
