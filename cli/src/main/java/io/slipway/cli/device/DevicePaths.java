package io.slipway.cli.device;

import io.slipway.cli.client.SlipwayClient;

/** The API paths of one device. Stateless. */
final class DevicePaths {

  private DevicePaths() {}

  /** Returns {@code /api/v1/devices/UUID}, with {@code uuid} encoded as one path segment. */
  static String device(String uuid) {
    return "/api/v1/devices/" + SlipwayClient.encode(uuid);
  }

  /** Returns the path of the device's commands. */
  static String commands(String uuid) {
    return device(uuid) + "/commands";
  }
}
