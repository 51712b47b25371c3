package io.slipway.cli.os;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import io.slipway.cli.output.Table;
import java.time.Instant;
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
    Table table =
        new Table("DEVICE TYPE", "VERSION", "FORMAT", "SIZE", "RAW SIZE", "UPLOADED", "SHA-256");
    for (JsonNode image : images) {
      table.row(
          image.path("deviceType").asString(),
          image.path("version").asString(),
          image.path("format").asString(),
          size(image.path("size")),
          size(image.path("rawSize")),
          uploadedAt(image.path("uploadedAt")),
          image.path("sha256").asString());
    }
    table.print(spec.commandLine().getOut());
    return ExitCode.SUCCESS;
  }

  private static String size(JsonNode bytes) {
    return bytes.isNumber() ? ImageProgress.size(bytes.asLong()) : null;
  }

  /** Returns the upload time, milliseconds since the epoch, as an ISO-8601 instant in UTC. */
  private static String uploadedAt(JsonNode millis) {
    return millis.isNumber() ? Instant.ofEpochMilli(millis.asLong()).toString() : null;
  }
}
