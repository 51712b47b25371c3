package io.slipway.cli.fleet;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.FleetName;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import java.io.PrintWriter;
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

/** {@code slipway fleet create ORG/FLEET}: creates a fleet with {@code POST .../fleets}. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description =
        "Creates fleet FLEET in organization ORG. Needs the owner role in the organization.")
public class FleetCreateCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Parameters(
      index = "0",
      paramLabel = "ORG/FLEET",
      converter = FleetName.Converter.class,
      description = "The new fleet, such as acme/sensors.")
  FleetName fleet;

  @Option(
      names = "--device-type",
      paramLabel = "SLUG",
      required = true,
      description = "The fleet's device type, such as raspberrypi4-64 or generic-amd64.")
  String deviceType;

  @Option(names = "--name", paramLabel = "NAME", description = "Display name. Default: the slug.")
  String name;

  @Option(
      names = "--requires-approval",
      description = "New devices wait for an owner's approval before they get releases.")
  boolean requiresApproval;

  @Option(names = "--json", description = "Prints the new fleet as one JSON document.")
  boolean json;

  FleetCreateCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    SlipwayClient client = serverOptions.client(environment);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("slug", fleet.fleet());
    body.put("name", name);
    body.put("deviceType", deviceType);
    body.put("requiresApproval", requiresApproval);
    JsonNode created = client.post("/api/v1/orgs/" + fleet.organization() + "/fleets", body);

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, created);
    } else {
      out.println(
          "Created fleet "
              + fleet
              + " for device type "
              + created.path("deviceType").asString(deviceType)
              + " ("
              + created.path("platform").asString("unknown platform")
              + ")");
      out.flush();
    }
    return ExitCode.SUCCESS;
  }
}
