package io.slipway.agent.run;

import io.slipway.agent.simulate.SimulateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code slipway-agent} command: {@code run} runs the agent of one device,
 * {@code simulate} many virtual devices for load tests of a server. Exits with the command's exit
 * code.
 */
@Command(
    name = "slipway-agent",
    mixinStandardHelpOptions = true,
    description = "The Slipway device agent.",
    subcommands = {RunCommand.class, SimulateCommand.class})
public final class AgentMain {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Returns the command line with its subcommands, for tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new AgentMain());
  }
}
