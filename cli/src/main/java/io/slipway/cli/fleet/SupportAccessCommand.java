package io.slipway.cli.fleet;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slipway fleet support-access}: groups the commands on a fleet's support access grants. */
@Command(
    name = "support-access",
    mixinStandardHelpOptions = true,
    description = {
      "Grants, lists and revokes support access: while a grant is open, server administrators"
          + " may send commands to the fleet's devices, switch their channel and open terminals.",
      "Only the fleet's owners may use these commands."
    },
    subcommands = {
      SupportAccessGrantCommand.class,
      SupportAccessListCommand.class,
      SupportAccessRevokeCommand.class,
      CommandLine.HelpCommand.class
    })
public class SupportAccessCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing subcommand: use 'slipway fleet support-access grant', 'list' or 'revoke'");
  }
}
