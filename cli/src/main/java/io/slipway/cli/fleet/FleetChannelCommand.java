package io.slipway.cli.fleet;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.FleetArgument;
import io.slipway.cli.client.FleetName;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import java.io.PrintWriter;
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
 * {@code slipway fleet channel ORG/FLEET [on|off]}: reads or sets a fleet's control channel setting
 * with {@code GET|PUT /api/v1/orgs/{org}/fleets/{fleet}/control-channel}.
 */
@Command(
    name = "channel",
    mixinStandardHelpOptions = true,
    description = {
      "Switches the control channel of fleet ORG/FLEET on or off for the devices that follow"
          + " the fleet's setting. Without a setting, shows it.",
      "Setting it needs the owner role."
    })
public class FleetChannelCommand implements Callable<Integer> {

  /** The fleet's setting, as the command line names it. */
  enum Setting {
    on,
    off
  }

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Mixin FleetArgument fleetArgument;

  @Parameters(index = "1", arity = "0..1", paramLabel = "SETTING", description = "on or off.")
  Setting setting;

  @Option(names = "--json", description = "Prints the fleet's setting as one JSON document.")
  boolean json;

  FleetChannelCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    FleetName fleet = fleetArgument.fleet();
    SlipwayClient client = serverOptions.client(environment);
    String path = fleet.path() + "/control-channel";
    JsonNode state =
        setting == null
            ? client.get(path)
            : client.put(path, Map.of("enabled", setting == Setting.on));

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, state);
      return ExitCode.SUCCESS;
    }
    String value = state.path("enabled").asBoolean() ? "on" : "off";
    out.println("Control channel of fleet " + fleet + ": " + value);
    out.flush();
    return ExitCode.SUCCESS;
  }
}
