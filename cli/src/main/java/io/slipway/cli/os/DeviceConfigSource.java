package io.slipway.cli.os;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.FleetName;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.config.DeviceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The two sources of a device's config.json for the OS image commands: a local file ({@code
 * --config}) or the server, which issues a fresh provisioning key with it ({@code --fleet}).
 */
final class DeviceConfigSource {

  private DeviceConfigSource() {}

  /**
   * Reads and validates the config.json {@code file}.
   *
   * @throws CommandFailedException with {@link ExitCode#USAGE} when the file is missing, unreadable
   *     or invalid
   */
  static DeviceConfig read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CommandFailedException(
          "--config " + file + " does not exist or is not a file; give the path of a config.json",
          ExitCode.USAGE);
    }
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CommandFailedException(
          "Cannot read --config " + file + ": " + e.getMessage(), ExitCode.USAGE);
    }
    try {
      return DeviceConfig.parse(json);
    } catch (OsImageException e) {
      throw new CommandFailedException("--config " + file + ": " + e.getMessage(), ExitCode.USAGE);
    }
  }

  /**
   * Requests a new configuration of {@code fleet} with {@code POST .../os-config}, which creates a
   * provisioning key.
   *
   * @param body the request's JSON fields, such as {@code version}; empty for the server defaults
   * @throws CommandFailedException when the server rejects the request or returns an invalid
   *     config.json
   */
  static DeviceConfig fetch(SlipwayClient client, FleetName fleet, Map<String, Object> body) {
    JsonNode answer = client.post(fleet.path() + "/os-config", body);
    try {
      return DeviceConfig.parse(SlipwayClient.json().writeValueAsBytes(answer));
    } catch (OsImageException e) {
      throw new CommandFailedException(
          "The server at "
              + client.connection().server()
              + " returned an invalid config.json for "
              + fleet
              + ": "
              + e.getMessage());
    }
  }
}
