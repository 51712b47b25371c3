package io.slipway.agent.command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParseResult;

/**
 * Entry point of the {@code slipway-agent} command: {@code run} runs the agent of one device,
 * {@code simulate} many virtual devices for load tests of a server. Exits with the command's exit
 * code.
 */
@Command(
    name = "slipway-agent",
    mixinStandardHelpOptions = true,
    description = "The Slipway device agent.",
    versionProvider = AgentMain.Version.class,
    subcommands = {RunCommand.class, SimulateCommand.class})
public final class AgentMain {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Reads the version that the build wrote into {@code version.properties}. */
  public static final class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
      return new String[] {"slipway-agent " + version()};
    }
  }

  /** Returns the agent's version from {@code version.properties}, or {@code unknown}. */
  public static String version() {
    Properties properties = new Properties();
    try (InputStream in =
        AgentMain.class.getResourceAsStream("/io/slipway/agent/version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return properties.getProperty("version", "unknown");
  }

  /** Returns the command line with its subcommands, for tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new AgentMain()).setExecutionExceptionHandler(AgentMain::unexpected);
  }

  /** Returns one line naming {@code e}'s type and message, for a log or the terminal. */
  static String describe(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /** Reports an exception no command handled as one ERROR line rather than a stack trace. */
  private static int unexpected(Exception e, CommandLine command, ParseResult parsed) {
    LoggerFactory.getLogger(AgentMain.class)
        .error("slipway-agent {} failed unexpectedly: {}", command.getCommandName(), describe(e));
    return 1;
  }
}
