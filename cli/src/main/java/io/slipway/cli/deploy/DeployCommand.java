package io.slipway.cli.deploy;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.compose.ComposeFile;
import io.slipway.builder.project.Project;
import io.slipway.builder.project.ServiceSpec;
import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.FleetOption;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import io.slipway.cli.release.ReleaseText;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code slipway deploy}: makes a release of a fleet from images that already exist, with {@code
 * POST /api/v1/orgs/{org}/fleets/{fleet}/deployments}. The server checks every image (present, a
 * manifest for each platform of the fleet, intact blobs) before the release exists; nothing is
 * built.
 */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = {
      "Makes a release of the fleet from prebuilt images: those named by image: in a compose"
          + " file, by --image, or, with --tag, every repository ORG/FLEET/SERVICE of the server's"
          + " registry holding that tag.",
      "Images must be in the server's registry or in an upstream registry it mirrors, and have a"
          + " manifest for every platform of the fleet's device types. Without --compose, --image"
          + " or --tag, the compose file in the current directory is read."
    })
public class DeployCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Mixin FleetOption fleetOption;

  @Option(
      names = "--compose",
      paramLabel = "FILE",
      description = "A compose file whose services all name an image.")
  Path compose;

  @Option(
      names = "--image",
      paramLabel = "SERVICE=REF",
      description =
          "The image of a service, such as web=registry.example:8080/acme/sensors/web:1.0."
              + " Repeatable; overrides the compose file's image of that service.")
  Map<String, String> images = new LinkedHashMap<>();

  @Option(
      names = "--tag",
      paramLabel = "TAG",
      description = "Deploys every repository ORG/FLEET/SERVICE of the registry holding TAG.")
  String tag;

  @Option(
      names = "--release-version",
      paramLabel = "VERSION",
      description = "The release version, such as 1.2.0. Default: the server picks the next one.")
  String version;

  @Option(names = "--commit", paramLabel = "SHA", description = "The source commit to record.")
  String commit;

  @Option(names = "--json", description = "Prints the release as one JSON document.")
  boolean json;

  DeployCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    Map<String, Object> request = request();
    SlipwayClient client = serverOptions.client(environment);
    JsonNode release = client.post(fleetOption.fleet().path() + "/deployments", request);

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, release);
    } else {
      ReleaseText.print(out, release);
    }
    return release.path("status").asString().equals("SUCCESS") ? ExitCode.SUCCESS : ExitCode.FAILED;
  }

  /** Builds the body of the deployments call from the options and the compose file. */
  Map<String, Object> request() {
    Path file = composeFile();
    Map<String, Map<String, Object>> services = new LinkedHashMap<>();
    if (file != null) {
      services.putAll(composeServices(file));
    }
    images.forEach(
        (service, image) -> {
          if (image.isBlank()) {
            throw new ParameterException(
                spec.commandLine(), "--image " + service + "= names no image; use SERVICE=REF");
          }
          services.computeIfAbsent(service, name -> new LinkedHashMap<>()).put("image", image);
        });
    if (services.isEmpty() && tag == null) {
      throw new ParameterException(
          spec.commandLine(),
          "Name the images to deploy with --compose FILE, --image SERVICE=REF or --tag TAG");
    }

    Map<String, Object> body = new LinkedHashMap<>();
    putIfPresent(body, "version", version);
    putIfPresent(body, "commit", commit);
    if (!services.isEmpty()) {
      body.put("services", services);
    }
    putIfPresent(body, "tag", tag);
    return body;
  }

  /** {@code --compose}, else a compose file in the current directory when no image is named. */
  private Path composeFile() {
    if (compose != null) {
      if (!Files.isRegularFile(compose)) {
        throw new CommandFailedException(
            "Compose file " + compose.toAbsolutePath() + " does not exist", ExitCode.USAGE);
      }
      return compose;
    }
    if (!images.isEmpty() || tag != null) {
      return null;
    }
    Path here = Path.of("").toAbsolutePath();
    return Project.COMPOSE_FILES.stream()
        .map(here::resolve)
        .filter(Files::isRegularFile)
        .findFirst()
        .orElse(null);
  }

  private static Map<String, Map<String, Object>> composeServices(Path file) {
    String name = file.getFileName().toString();
    ComposeFile parsed;
    try {
      parsed = ComposeFile.read(file, name);
    } catch (BuildInputException | IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage(), ExitCode.USAGE);
    } catch (UncheckedIOException e) {
      throw new CommandFailedException(
          "Cannot read compose file " + file + ": " + e.getCause().getMessage(), ExitCode.USAGE);
    }

    Map<String, Map<String, Object>> services = new LinkedHashMap<>();
    for (ServiceSpec service : parsed.services()) {
      if (service.image() == null) {
        throw new CommandFailedException(
            name
                + ":"
                + service.line()
                + ": service '"
                + service.name()
                + "' has build: but no image:; deploy takes prebuilt images only, so build it"
                + " with 'slipway push' (or git push), or name its image with image: or --image "
                + service.name()
                + "=REF",
            ExitCode.USAGE);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("image", service.image());
      body.put("environment", service.environment());
      body.put("labels", service.labels());
      body.put("configuration", service.configuration());
      services.put(service.name(), body);
    }
    return services;
  }

  private static void putIfPresent(Map<String, Object> body, String name, String value) {
    if (value != null && !value.isBlank()) {
      body.put(name, value);
    }
  }
}
