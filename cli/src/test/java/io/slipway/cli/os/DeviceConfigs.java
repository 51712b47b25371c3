package io.slipway.cli.os;

import io.slipway.osimage.config.DeviceConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Valid device configurations for tests, with made-up keys. */
final class DeviceConfigs {

  private DeviceConfigs() {}

  static DeviceConfig valid() {
    return DeviceConfig.builder()
        .fleet(7, "acme/sensors")
        .deviceType("raspberrypi4-64")
        .provisioningKey("slp_0123456789abcdefghij")
        .apiEndpoint(URI.create("https://slipway.example.com"))
        .registryEndpoint(URI.create("https://slipway.example.com"))
        .deltaEndpoint(URI.create("https://slipway.example.com"))
        .build();
  }

  static String validJson() {
    return new String(valid().toJson(), StandardCharsets.UTF_8);
  }
}
