package io.slipway.cli.delta;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slipway delta}: groups the commands that make and apply delta updates. */
@Command(
    name = "delta",
    mixinStandardHelpOptions = true,
    description = {
      "Makes and applies delta updates between two images of OCI image layouts or registries.",
      "A delta turns one platform image into another; a device that runs the first downloads"
          + " only the delta."
    },
    subcommands = {DeltaMakeCommand.class, DeltaApplyCommand.class, CommandLine.HelpCommand.class})
public class DeltaCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing subcommand: use 'slipway delta make' or 'slipway delta apply'");
  }
}
