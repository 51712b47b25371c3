package io.slipway.cli.release;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.FleetOption;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import io.slipway.cli.output.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code slipway release list --fleet ORG/FLEET}: the fleet's releases, newest first. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists the releases of a fleet, newest first.")
public class ReleaseListCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Mixin FleetOption fleetOption;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "How many releases to list, 1 to 500. Default: 20.")
  int limit;

  @Option(names = "--json", description = "Prints the releases as one JSON array.")
  boolean json;

  ReleaseListCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    if (limit < 1 || limit > 500) {
      throw new ParameterException(
          spec.commandLine(), "--limit " + limit + " is out of range; use 1 to 500");
    }
    SlipwayClient client = serverOptions.client(environment);
    JsonNode releases = client.get(fleetOption.fleet().path() + "/releases?limit=" + limit);

    if (json) {
      JsonOutput.print(spec.commandLine().getOut(), releases);
      return ExitCode.SUCCESS;
    }
    Table table = new Table("ID", "STATUS", "VERSION", "SOURCE", "COMMIT", "CREATED", "BY");
    for (JsonNode release : releases) {
      String status = release.path("status").asString();
      table.row(
          release.path("id").asLong(),
          release.path("invalidated").asBoolean() ? status + " (invalidated)" : status,
          text(release.path("version")),
          text(release.path("source")),
          text(release.path("commit")),
          Instant.ofEpochMilli(release.path("createdAt").asLong()).truncatedTo(ChronoUnit.SECONDS),
          text(release.path("createdBy")));
    }
    table.print(spec.commandLine().getOut());
    return ExitCode.SUCCESS;
  }

  private static String text(JsonNode node) {
    return node.isString() ? node.asString() : null;
  }
}
