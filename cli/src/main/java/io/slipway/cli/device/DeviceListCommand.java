package io.slipway.cli.device;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.FleetOption;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import io.slipway.cli.output.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code slipway device list --fleet ORG/FLEET}: lists a fleet's devices. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists the devices of a fleet.")
public class DeviceListCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Mixin FleetOption fleetOption;

  @Option(names = "--json", description = "Prints the devices as one JSON array.")
  boolean json;

  DeviceListCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    SlipwayClient client = serverOptions.client(environment);
    JsonNode devices = client.get(fleetOption.fleet().path() + "/devices");

    if (json) {
      JsonOutput.print(spec.commandLine().getOut(), devices);
      return ExitCode.SUCCESS;
    }
    Table table = new Table("UUID", "NAME", "STATUS", "APPROVED", "OS VERSION", "LAST SEEN");
    for (JsonNode device : devices) {
      table.row(
          device.path("uuid").asString(),
          device.path("name").asString(""),
          device.path("status").asString(""),
          device.path("approved").asBoolean() ? "yes" : "no",
          device.path("osVersion").asString(""),
          DeviceText.time(device.path("lastSeenAt")));
    }
    table.print(spec.commandLine().getOut());
    return ExitCode.SUCCESS;
  }
}
