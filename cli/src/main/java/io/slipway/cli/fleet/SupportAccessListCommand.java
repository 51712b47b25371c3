package io.slipway.cli.fleet;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.FleetArgument;
import io.slipway.cli.client.FleetName;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.EpochMillis;
import io.slipway.cli.output.JsonOutput;
import io.slipway.cli.output.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code slipway fleet support-access list ORG/FLEET}: lists the open grants and those ended in the
 * last 30 days, newest first, with {@code GET .../support-access}.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "Lists the open support access grants of fleet ORG/FLEET and those that ended in the last"
            + " 30 days, newest first. Needs the owner role.")
public class SupportAccessListCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Mixin FleetArgument fleetArgument;

  @Option(names = "--json", description = "Prints the grants as one JSON array.")
  boolean json;

  SupportAccessListCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    FleetName fleet = fleetArgument.fleet();
    SlipwayClient client = serverOptions.client(environment);
    JsonNode grants = client.get(fleet.path() + "/support-access");

    if (json) {
      JsonOutput.print(spec.commandLine().getOut(), grants);
      return ExitCode.SUCCESS;
    }
    Table table = new Table("ID", "ACTIVE", "GRANTED BY", "EXPIRES", "REVOKED BY", "REVOKED");
    for (JsonNode grant : grants) {
      table.row(
          grant.path("id").asString(),
          grant.path("active").asBoolean() ? "yes" : "no",
          grant.path("grantedBy").asString(""),
          EpochMillis.format(grant.path("expiresAt")),
          grant.path("revokedBy").asString(""),
          EpochMillis.format(grant.path("revokedAt")));
    }
    table.print(spec.commandLine().getOut());
    return ExitCode.SUCCESS;
  }
}
