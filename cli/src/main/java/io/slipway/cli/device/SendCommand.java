package io.slipway.cli.device;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.DurationConverter;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * Sends one command to a device with {@code POST /api/v1/devices/{uuid}/commands} and, with {@code
 * --wait}, waits for its end. Subclasses name the command type and, for service commands, the
 * service. Exits {@link ExitCode#SUCCESS} once the server accepted the command, or with {@code
 * --wait} once it {@code SUCCEEDED}; {@link ExitCode#COMMAND_FAILED}, {@link
 * ExitCode#COMMAND_TIMED_OUT} or {@link ExitCode#COMMAND_PENDING} otherwise.
 */
abstract class SendCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Parameters(index = "0", paramLabel = "DEVICE", description = "The device's UUID.")
  String device;

  @Option(
      names = "--wait",
      arity = "0..1",
      paramLabel = "DURATION",
      fallbackValue = "0s",
      converter = DurationConverter.class,
      description =
          "Waits until the device answers or the command times out, or at most DURATION, such as"
              + " 30s or PT2M. Without DURATION, or with 0s, waits until the command ends.")
  Duration wait;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long the device has to answer, from 1s to 10m, such as 45s. Default: the server's"
              + " slipway.control.command-timeout, 30 seconds unless changed.")
  Duration timeout;

  @Option(names = "--json", description = "Prints the command as one JSON document.")
  boolean json;

  SendCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  /** Returns the command's wire name, such as {@code reboot} or {@code restart-service}. */
  abstract String type();

  /** Returns the service a service command acts on, or null for commands to the whole device. */
  String service() {
    return null;
  }

  @Override
  public Integer call() {
    SlipwayClient client = serverOptions.client(environment);
    JsonNode command = client.post(DevicePaths.commands(device), body());

    if (wait != null) {
      Duration limit = wait.isZero() ? null : wait;
      command = new CommandWaiter(client, device).awaitEnd(command, limit);
    }

    print(command);
    return wait == null ? ExitCode.SUCCESS : CommandOutcome.exitCode(command);
  }

  private Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type());
    if (service() != null) {
      body.put("service", service());
    }
    if (timeout != null) {
      body.put("timeout", timeout.toString());
    }
    return body;
  }

  private void print(JsonNode command) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, command);
    } else {
      out.println(CommandOutcome.describe(command));
      out.flush();
    }

    String failure = CommandOutcome.failure(command, wait != null);
    if (failure != null) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(spec.commandLine().getCommandName() + ": " + failure);
      err.flush();
    }
  }
}
