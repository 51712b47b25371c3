package io.slipway.cli.device;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.DurationConverter;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code slipway device channel DEVICE [on|off|fleet] [--for DURATION]}: reads or sets a device's
 * own control channel setting with {@code GET|PUT /api/v1/devices/{uuid}/control-channel}.
 */
@Command(
    name = "channel",
    mixinStandardHelpOptions = true,
    description = {
      "Switches the control channel of device DEVICE on or off, or back to its fleet's setting."
          + " Without a setting, shows the channel's state.",
      "Setting it needs the owner or operator role. Switched off, the device is disconnected at"
          + " once; switched on, it connects at its next poll."
    })
public class DeviceChannelCommand implements Callable<Integer> {

  /** A device's own setting, as the command line names it. */
  enum Setting {
    on(Boolean.TRUE),
    off(Boolean.FALSE),
    fleet(null);

    private final Boolean enabled;

    Setting(Boolean enabled) {
      this.enabled = enabled;
    }
  }

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Parameters(index = "0", paramLabel = "DEVICE", description = "The device's UUID.")
  String device;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "SETTING",
      description = "on, off, or fleet to follow the fleet's setting again.")
  Setting setting;

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "With on or off: how long the setting lasts before the device follows its fleet again,"
              + " from 1m to 7d, such as 2h. Default: until changed.")
  Duration duration;

  @Option(names = "--json", description = "Prints the channel's state as one JSON document.")
  boolean json;

  DeviceChannelCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    checkDuration();
    SlipwayClient client = serverOptions.client(environment);
    String path = DevicePaths.device(device) + "/control-channel";
    JsonNode state = setting == null ? client.get(path) : client.put(path, body());

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, state);
      return ExitCode.SUCCESS;
    }
    out.println("Control channel of device " + device + ": " + DeviceText.channel(state));
    out.flush();
    return ExitCode.SUCCESS;
  }

  private void checkDuration() {
    if (duration == null || setting == Setting.on || setting == Setting.off) {
      return;
    }
    String value = setting == null ? "without a setting" : "with 'fleet'";
    throw new CommandFailedException(
        "Invalid --for "
            + duration
            + " "
            + value
            + ": --for applies only to 'on' and 'off', so add one of them or leave --for out",
        ExitCode.USAGE);
  }

  private Map<String, Object> body() {
    // A map, not a record, because the API needs "enabled": null to follow the fleet.
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("enabled", setting.enabled);
    if (duration != null) {
      body.put("for", duration.toString());
    }
    return body;
  }
}
