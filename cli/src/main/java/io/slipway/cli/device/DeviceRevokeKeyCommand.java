package io.slipway.cli.device;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway device revoke-key DEVICE --yes}: revokes a device's key with {@code DELETE
 * /api/v1/devices/{uuid}/key}. Rejects a run without {@code --yes}, because the device cannot
 * register again afterwards.
 */
@Command(
    name = "revoke-key",
    mixinStandardHelpOptions = true,
    description = {
      "Revokes the key of device DEVICE: every API call with it fails from then on, and the"
          + " server disconnects the device from the control channel at once.",
      "The device cannot register again, not even with its provisioning key; to bring it back,"
          + " delete it and register it anew. Needs the owner or operator role."
    })
public class DeviceRevokeKeyCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Parameters(index = "0", paramLabel = "DEVICE", description = "The device's UUID.")
  String device;

  @Option(names = "--yes", description = "Confirms the revocation, which cannot be undone.")
  boolean confirmed;

  DeviceRevokeKeyCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    if (!confirmed) {
      throw new CommandFailedException(
          "Revoking the key of device "
              + device
              + " cannot be undone: the device cannot register again. Run again with --yes to"
              + " revoke it",
          ExitCode.USAGE);
    }
    SlipwayClient client = serverOptions.client(environment);
    client.delete(DevicePaths.device(device) + "/key");

    PrintWriter out = spec.commandLine().getOut();
    out.println("Revoked the key of device " + device + "; it is disconnected");
    out.flush();
    return ExitCode.SUCCESS;
  }
}
