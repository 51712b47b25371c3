package io.slipway.cli.device;

import io.slipway.cli.CliEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The commands that act on one service of a device: restart, stop and start. */
final class ServiceActions {

  private ServiceActions() {}

  /** A command to one service of the device's release, named by the second parameter. */
  abstract static class ServiceCommand extends SendCommand {

    @Parameters(
        index = "1",
        paramLabel = "SERVICE",
        description = "A service of the device's release, such as web.")
    String service;

    ServiceCommand(CliEnvironment environment) {
      super(environment);
    }

    @Override
    String service() {
      return service;
    }
  }

  /** {@code slipway device restart DEVICE SERVICE}. */
  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description = "Restarts the container of service SERVICE on device DEVICE.")
  static final class Restart extends ServiceCommand {
    Restart(CliEnvironment environment) {
      super(environment);
    }

    @Override
    String type() {
      return "restart-service";
    }
  }

  /** {@code slipway device stop DEVICE SERVICE}. */
  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stops the container of service SERVICE on device DEVICE.")
  static final class Stop extends ServiceCommand {
    Stop(CliEnvironment environment) {
      super(environment);
    }

    @Override
    String type() {
      return "stop-service";
    }
  }

  /** {@code slipway device start DEVICE SERVICE}. */
  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Starts the stopped container of service SERVICE on device DEVICE.")
  static final class Start extends ServiceCommand {
    Start(CliEnvironment environment) {
      super(environment);
    }

    @Override
    String type() {
      return "start-service";
    }
  }
}
