package io.slipway.cli.device;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slipway device}: groups the commands that read and control single devices. */
@Command(
    name = DeviceCommand.NAME,
    mixinStandardHelpOptions = true,
    description =
        "Lists and shows devices, sends them commands over the control channel, switches their"
            + " channel and revokes their keys.",
    subcommands = {
      DeviceListCommand.class,
      DeviceShowCommand.class,
      DeviceActions.Reboot.class,
      DeviceActions.Shutdown.class,
      DeviceActions.Identify.class,
      DeviceActions.Update.class,
      ServiceActions.Restart.class,
      ServiceActions.Stop.class,
      ServiceActions.Start.class,
      DeviceChannelCommand.class,
      DeviceRevokeKeyCommand.class,
      CommandLine.HelpCommand.class
    })
public class DeviceCommand implements Runnable {

  /** The command's name, which also selects its exit codes in the usage help. */
  public static final String NAME = "device";

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing subcommand: see 'slipway device --help'");
  }
}
