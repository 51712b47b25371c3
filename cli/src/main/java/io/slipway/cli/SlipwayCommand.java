package io.slipway.cli;

import io.slipway.cli.build.BuildCommand;
import io.slipway.cli.gc.GcCommand;
import io.slipway.cli.server.ServerCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code slipway} command. Each subcommand is a class listed in {@code subcommands}. Add new
 * ones there.
 */
@Command(
    name = "slipway",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Self-hosted build and release pipeline for fleets of embedded Linux devices.",
    subcommands = {
      ServerCommand.class,
      GcCommand.class,
      BuildCommand.class,
      CommandLine.HelpCommand.class
    })
public class SlipwayCommand implements Runnable {

  @Spec CommandSpec spec;

  /** Returns the command line with the error handling every subcommand shares. */
  public static CommandLine commandLine() {
    return new CommandLine(new SlipwayCommand())
        .setExecutionExceptionHandler(SlipwayCommand::reportFailure);
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: see 'slipway --help'");
  }

  /**
   * Prints the innermost cause of a failed command as one line, without a stack trace, because the
   * server's log already has the details of a failed start.
   */
  private static int reportFailure(
      Exception failure, CommandLine commandLine, ParseResult parseResult) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    PrintWriter err = commandLine.getErr();
    err.println(commandLine.getCommandName() + ": " + cause.getMessage());
    err.flush();
    return 1;
  }
}
