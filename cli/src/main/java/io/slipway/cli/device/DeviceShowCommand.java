package io.slipway.cli.device;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code slipway device show DEVICE}: a device's fields with its reported release and services and
 * its control channel state, from {@code GET /api/v1/devices/{uuid}}, {@code GET .../state} and
 * {@code GET .../control-channel}.
 */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description =
        "Shows device DEVICE: its fleet, status, versions and tags, the release it runs and"
            + " how each service's image arrived, and whether its control channel is on and the"
            + " device is connected to it.")
public class DeviceShowCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Parameters(index = "0", paramLabel = "DEVICE", description = "The device's UUID.")
  String device;

  @Option(
      names = "--json",
      description =
          "Prints the device as one JSON document, with its reported state under state and the"
              + " channel state under controlChannel.")
  boolean json;

  DeviceShowCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    SlipwayClient client = serverOptions.client(environment);
    String path = DevicePaths.device(device);
    JsonNode found = client.get(path);
    JsonNode state = client.get(path + "/state");
    JsonNode channel = client.get(path + "/control-channel");

    if (json) {
      ObjectNode document = ((ObjectNode) found).deepCopy();
      document.set("state", state);
      document.set("controlChannel", channel);
      JsonOutput.print(spec.commandLine().getOut(), document);
      return ExitCode.SUCCESS;
    }
    DeviceText.printDevice(spec.commandLine().getOut(), found, state, channel);
    return ExitCode.SUCCESS;
  }
}
