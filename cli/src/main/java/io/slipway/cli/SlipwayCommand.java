package io.slipway.cli;

import io.slipway.cli.build.BuildCommand;
import io.slipway.cli.delta.DeltaCommand;
import io.slipway.cli.deploy.DeployCommand;
import io.slipway.cli.device.DeviceCommand;
import io.slipway.cli.fleet.FleetCommand;
import io.slipway.cli.gc.GcCommand;
import io.slipway.cli.login.LoginCommand;
import io.slipway.cli.os.OsCommand;
import io.slipway.cli.push.PushCommand;
import io.slipway.cli.release.ReleaseCommand;
import io.slipway.cli.server.ServerCommand;
import io.slipway.cli.ssh.SshCommand;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code slipway} command. Each subcommand is a class listed in {@code subcommands}. Add new
 * ones there. Commands whose class has a constructor taking a {@link CliEnvironment} get the one
 * passed to {@link #commandLine(CliEnvironment)}.
 */
@Command(
    name = "slipway",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Self-hosted build and release pipeline for fleets of embedded Linux devices.",
    subcommands = {
      LoginCommand.class,
      PushCommand.class,
      DeployCommand.class,
      ReleaseCommand.class,
      FleetCommand.class,
      DeviceCommand.class,
      BuildCommand.class,
      ServerCommand.class,
      GcCommand.class,
      DeltaCommand.class,
      OsCommand.class,
      SshCommand.class,
      CommandLine.HelpCommand.class
    })
public class SlipwayCommand implements Runnable {

  /**
   * Commands that never talk to a Slipway server, so the shared exit codes do not apply to them.
   * {@code delta}'s subcommands list their own.
   */
  private static final Set<String> LOCAL = Set.of("server", "gc", "delta", "help");

  @Spec CommandSpec spec;

  /** Returns the command line with the error handling every subcommand shares. */
  public static CommandLine commandLine() {
    return commandLine(CliEnvironment.system());
  }

  /** Returns the command line whose commands read {@code environment}. */
  public static CommandLine commandLine(CliEnvironment environment) {
    CommandLine commandLine =
        new CommandLine(new SlipwayCommand(), new Factory(environment))
            .setExecutionExceptionHandler(SlipwayCommand::reportFailure);
    listExitCodes(commandLine, ExitCode.descriptions());
    return commandLine;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: see 'slipway --help'");
  }

  /**
   * Adds {@code codes} to the usage help of {@code commandLine} and its subcommands, except for the
   * local ones; {@code os}, {@code device} and their subcommands list their own codes.
   */
  private static void listExitCodes(CommandLine commandLine, Map<String, String> codes) {
    String name = commandLine.getCommandName();
    if (LOCAL.contains(name)) {
      return;
    }
    Map<String, String> listed =
        switch (name) {
          case OsCommand.NAME -> ExitCode.osImageDescriptions();
          case DeviceCommand.NAME -> ExitCode.deviceDescriptions();
          default -> codes;
        };
    commandLine
        .getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(listed);
    commandLine.getSubcommands().values().forEach(sub -> listExitCodes(sub, listed));
  }

  /**
   * Prints the innermost cause of a failed command as one line, without a stack trace, because the
   * server's log already has the details of a failed start. A {@link CommandFailedException}
   * decides the exit code; anything else exits with 1.
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
    return failure instanceof CommandFailedException failed ? failed.exitCode() : ExitCode.FAILED;
  }

  /** Creates commands, handing the environment to those that take one. */
  private static final class Factory implements IFactory {

    private final CliEnvironment environment;
    private final IFactory fallback = CommandLine.defaultFactory();

    Factory(CliEnvironment environment) {
      this.environment = environment;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      for (Constructor<?> constructor : type.getDeclaredConstructors()) {
        Class<?>[] parameters = constructor.getParameterTypes();
        if (parameters.length == 1 && parameters[0] == CliEnvironment.class) {
          constructor.setAccessible(true);
          return type.cast(constructor.newInstance(environment));
        }
      }
      return fallback.create(type);
    }
  }
}
