package io.slipway.cli.fleet;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import io.slipway.cli.output.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code slipway fleet list [ORG]}: lists the fleets of one organization, or of every organization
 * the token's user can see.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "Lists the fleets of organization ORG, or of every organization you belong to when ORG"
            + " is left out.")
public class FleetListCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Parameters(index = "0", arity = "0..1", paramLabel = "ORG", description = "An organization.")
  String organization;

  @Option(names = "--json", description = "Prints the fleets as one JSON array.")
  boolean json;

  FleetListCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    SlipwayClient client = serverOptions.client(environment);
    List<String> organizations = new ArrayList<>();
    if (organization != null) {
      organizations.add(organization);
    } else {
      for (JsonNode org : client.get("/api/v1/orgs")) {
        organizations.add(org.path("slug").asString());
      }
    }

    List<JsonNode> fleets = new ArrayList<>();
    for (String org : organizations) {
      client.get("/api/v1/orgs/" + SlipwayClient.encode(org) + "/fleets").forEach(fleets::add);
    }

    if (json) {
      JsonOutput.print(spec.commandLine().getOut(), fleets);
      return ExitCode.SUCCESS;
    }
    Table table = new Table("FLEET", "NAME", "DEVICE TYPE", "PLATFORMS", "TARGET RELEASE");
    for (JsonNode fleet : fleets) {
      List<String> platforms = new ArrayList<>();
      fleet.path("platforms").forEach(platform -> platforms.add(platform.asString()));
      JsonNode target = fleet.path("targetReleaseId");
      table.row(
          fleet.path("organization").asString() + "/" + fleet.path("slug").asString(),
          fleet.path("name").asString(),
          fleet.path("deviceType").asString(),
          String.join(",", platforms),
          target.isNull() || target.isMissingNode() ? "latest" : target.asString());
    }
    table.print(spec.commandLine().getOut());
    return ExitCode.SUCCESS;
  }
}
