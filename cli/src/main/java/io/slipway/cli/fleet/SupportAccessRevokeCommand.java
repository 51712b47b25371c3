package io.slipway.cli.fleet;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.FleetArgument;
import io.slipway.cli.client.FleetName;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code slipway fleet support-access revoke ORG/FLEET}: ends every open grant of the fleet with
 * {@code DELETE .../support-access}.
 */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description =
        "Ends every open support access grant of fleet ORG/FLEET at once. Needs the owner role.")
public class SupportAccessRevokeCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Mixin FleetArgument fleetArgument;

  SupportAccessRevokeCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    FleetName fleet = fleetArgument.fleet();
    SlipwayClient client = serverOptions.client(environment);
    client.delete(fleet.path() + "/support-access");

    PrintWriter out = spec.commandLine().getOut();
    out.println("Revoked every open support access grant of fleet " + fleet);
    out.flush();
    return ExitCode.SUCCESS;
  }
}
