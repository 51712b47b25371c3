package io.slipway.cli.fleet;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.DurationConverter;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.FleetArgument;
import io.slipway.cli.client.FleetName;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.EpochMillis;
import io.slipway.cli.output.JsonOutput;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code slipway fleet support-access grant ORG/FLEET --for DURATION}: opens a support access grant
 * with {@code POST .../support-access}.
 */
@Command(
    name = "grant",
    mixinStandardHelpOptions = true,
    description =
        "Lets server administrators control the devices of fleet ORG/FLEET for DURATION. Needs"
            + " the owner role in the organization.")
public class SupportAccessGrantCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Mixin FleetArgument fleetArgument;

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      required = true,
      converter = DurationConverter.class,
      description = "How long the grant lasts, from 1m to 30d, such as 4h.")
  Duration duration;

  @Option(names = "--json", description = "Prints the grant as one JSON document.")
  boolean json;

  SupportAccessGrantCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    FleetName fleet = fleetArgument.fleet();
    SlipwayClient client = serverOptions.client(environment);
    JsonNode grant =
        client.post(fleet.path() + "/support-access", Map.of("for", duration.toString()));

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, grant);
      return ExitCode.SUCCESS;
    }
    out.println(
        "Granted support access "
            + grant.path("id").asString()
            + " to fleet "
            + fleet
            + " until "
            + EpochMillis.format(grant.path("expiresAt")));
    out.flush();
    return ExitCode.SUCCESS;
  }
}
