package io.slipway.cli.device;

import io.slipway.cli.CliEnvironment;
import picocli.CommandLine.Command;

/** The commands that act on a whole device: reboot, shutdown, identify and update. */
final class DeviceActions {

  private DeviceActions() {}

  /** {@code slipway device reboot DEVICE}. */
  @Command(
      name = "reboot",
      mixinStandardHelpOptions = true,
      description =
          "Reboots device DEVICE. The device answers before it reboots, so --wait ends when the"
              + " reboot starts.")
  static final class Reboot extends SendCommand {
    Reboot(CliEnvironment environment) {
      super(environment);
    }

    @Override
    String type() {
      return "reboot";
    }
  }

  /** {@code slipway device shutdown DEVICE}. */
  @Command(
      name = "shutdown",
      mixinStandardHelpOptions = true,
      description =
          "Powers device DEVICE off. It stays off until someone powers it on where it is, so"
              + " the channel cannot bring it back.")
  static final class Shutdown extends SendCommand {
    Shutdown(CliEnvironment environment) {
      super(environment);
    }

    @Override
    String type() {
      return "shutdown";
    }
  }

  /** {@code slipway device identify DEVICE}. */
  @Command(
      name = "identify",
      mixinStandardHelpOptions = true,
      description = "Makes device DEVICE show itself, such as by blinking an LED.")
  static final class Identify extends SendCommand {
    Identify(CliEnvironment environment) {
      super(environment);
    }

    @Override
    String type() {
      return "identify";
    }
  }

  /** {@code slipway device update DEVICE}. */
  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description = "Makes device DEVICE fetch its target state now instead of at its next poll.")
  static final class Update extends SendCommand {
    Update(CliEnvironment environment) {
      super(environment);
    }

    @Override
    String type() {
      return "update";
    }
  }
}
