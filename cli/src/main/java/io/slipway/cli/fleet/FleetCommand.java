package io.slipway.cli.fleet;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slipway fleet}: groups the fleet subcommands. */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    description =
        "Creates and lists fleets, sets their target release, switches their control channel and"
            + " grants support access.",
    subcommands = {
      FleetCreateCommand.class,
      FleetListCommand.class,
      FleetTargetCommand.class,
      FleetChannelCommand.class,
      SupportAccessCommand.class,
      CommandLine.HelpCommand.class
    })
public class FleetCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing subcommand: use 'slipway fleet create' or 'slipway fleet list'");
  }
}
