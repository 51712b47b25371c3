package io.slipway.cli.release;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slipway release}: groups the release subcommands. */
@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    description = "Lists, shows and follows releases.",
    subcommands = {
      ReleaseListCommand.class,
      ReleaseShowCommand.class,
      ReleaseFollowCommand.class,
      CommandLine.HelpCommand.class
    })
public class ReleaseCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing subcommand: use 'slipway release list', 'show' or 'follow'");
  }
}
