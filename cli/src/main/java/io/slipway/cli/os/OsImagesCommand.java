package io.slipway.cli.os;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import io.slipway.cli.output.Table;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code slipway os images}: lists the base OS images the server stores. */
@Command(
    name = "images",
    mixinStandardHelpOptions = true,
    description =
        "Lists the base OS images stored on the server, from which it configures fleet images.")
public class OsImagesCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Option(
      names = "--device-type",
      paramLabel = "SLUG",
      description = "Lists only the images of this device type, such as raspberrypi4-64.")
  String deviceType;

  @Option(names = "--json", description = "Prints the images as the server's JSON array.")
  boolean json;

  OsImagesCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    String query = deviceType == null ? "" : "?deviceType=" + SlipwayClient.encode(deviceType);
    JsonNode images = serverOptions.client(environment).get("/api/v1/os-images" + query);
    if (json) {
      JsonOutput.print(spec.commandLine().getOut(), images);
      return ExitCode.SUCCESS;
    }
    Table table = new Table("DEVICE TYPE", "VERSION", "SIZE", "SHA-256", "UPLOADED");
    for (JsonNode image : images) {
      table.row(
          image.path("deviceType").asString(),
          image.path("version").asString(),
          image.path("size").isNumber() ? ImageProgress.size(image.path("size").asLong()) : "",
          image.path("sha256").asString(),
          image.path("createdAt").asString());
    }
    table.print(spec.commandLine().getOut());
    return ExitCode.SUCCESS;
  }
}
