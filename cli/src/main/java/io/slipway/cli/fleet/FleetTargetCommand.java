package io.slipway.cli.fleet;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
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
 * {@code slipway fleet target ORG/FLEET [RELEASE | --latest]}: reads a fleet's target release, pins
 * the fleet to a release, or lets it follow its latest release again, with {@code GET|PUT
 * /api/v1/orgs/{org}/fleets/{fleet}/target}.
 */
@Command(
    name = "target",
    mixinStandardHelpOptions = true,
    description = {
      "Pins fleet ORG/FLEET to release RELEASE, or with --latest lets it follow its latest"
          + " successful release again. Without either, shows the fleet's target.",
      "Setting it needs the owner or release manager role. A device accepts a release older than"
          + " the one it runs only because the server signs the pin."
    })
public class FleetTargetCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Mixin FleetArgument fleetArgument;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "RELEASE",
      description = "The id of the release to pin the fleet to, as `slipway release list` shows.")
  Long release;

  @Option(names = "--latest", description = "Lets the fleet follow its latest release again.")
  boolean latest;

  @Option(names = "--json", description = "Prints the fleet's target as one JSON document.")
  boolean json;

  FleetTargetCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    if (latest && release != null) {
      throw new CommandFailedException(
          "Release "
              + release
              + " and --latest contradict each other: give a release to pin the fleet to it,"
              + " or --latest to follow the latest release",
          ExitCode.USAGE);
    }
    FleetName fleet = fleetArgument.fleet();
    SlipwayClient client = serverOptions.client(environment);
    String path = fleet.path() + "/target";
    JsonNode target;
    if (latest) {
      target = client.put(path, Map.of("trackLatest", true));
    } else if (release != null) {
      target = client.put(path, Map.of("releaseId", release));
    } else {
      target = client.get(path);
    }

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, target);
      return ExitCode.SUCCESS;
    }
    out.println(describe(fleet, target));
    out.flush();
    return ExitCode.SUCCESS;
  }

  /**
   * Describes the body of {@code GET .../target}, such as {@code Fleet acme/gateways is pinned to
   * release 1 (latest release: 3)}.
   */
  static String describe(FleetName fleet, JsonNode target) {
    String latestRelease = text(target.path("latestReleaseId"));
    if (target.path("trackLatest").asBoolean()) {
      return "Fleet " + fleet + " follows its latest release: " + latestRelease;
    }
    return "Fleet "
        + fleet
        + " is pinned to release "
        + text(target.path("releaseId"))
        + " (latest release: "
        + latestRelease
        + ")";
  }

  private static String text(JsonNode value) {
    return value.isNumber() ? value.asString() : "none";
  }
}
