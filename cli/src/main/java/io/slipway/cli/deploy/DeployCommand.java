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
import io.slipway.cli.release.ReleaseInput;
import io.slipway.cli.release.ReleaseText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
          + " or --tag, the compose file in the current directory is read.",
      // Picocli reads ${...} in descriptions as its own variables and $$ as one $.
      "Compose values may name variables as in Docker Compose ($VAR, $${VAR:-default},"
          + " $${VAR:?message}, $$$$ for a literal $), taken from the environment and from the .env"
          + " file next to the compose file; an unset variable without a default is an error."
    })
public class DeployCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  /** The compose services without {@code image:}, with their place in the file. */
  private final Map<String, String> buildOnly = new LinkedHashMap<>();

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Mixin FleetOption fleetOption;

  @Option(
      names = "--compose",
      paramLabel = "FILE",
      description =
          "A compose file whose services each name an image, with image: or with --image.")
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
      description =
          "Alone: deploys every repository ORG/FLEET/SERVICE of the registry holding TAG. With"
              + " --compose: deploys ORG/FLEET/SERVICE:TAG for each compose service without"
              + " image: or --image. Cannot be combined with --image alone.")
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
    ReleaseInput.check(spec.commandLine(), version, commit);
    checkImages();
    Path file = composeFile();
    if (tag != null && file == null && !images.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "--tag and --image cannot be combined: --tag deploys every repository ORG/FLEET/SERVICE"
              + " holding the tag, while --image names the services of the release. Use one or the"
              + " other, for example --image SERVICE=HOST/ORG/FLEET/SERVICE:"
              + tag
              + " for each service");
    }
    Map<String, Map<String, Object>> services = new LinkedHashMap<>();
    if (file != null) {
      services.putAll(composeServices(file));
    }
    images.forEach(
        (service, image) ->
            services.computeIfAbsent(service, name -> new LinkedHashMap<>()).put("image", image));
    checkReferences(services);
    if (tag == null) {
      requireImages();
    } else if (file != null) {
      requireServiceForTag(file, services);
    }
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

  /**
   * With a compose file, the server reads {@code ORG/FLEET/SERVICE:TAG} only for the services that
   * name no image, so a tag that no such service takes would be dropped without a word.
   */
  private void requireServiceForTag(Path file, Map<String, Map<String, Object>> services) {
    boolean takesTag =
        services.values().stream().anyMatch(service -> !service.containsKey("image"));
    if (!takesTag) {
      throw new ParameterException(
          spec.commandLine(),
          "--tag "
              + tag
              + " applies to no service: every service of "
              + file
              + " names its image. Leave out --tag, or remove image: from the services that should"
              + " deploy ORG/FLEET/SERVICE:"
              + tag);
    }
  }

  private void checkImages() {
    images.forEach(
        (service, image) -> {
          if (service.isBlank()) {
            throw new ParameterException(
                spec.commandLine(), "--image =" + image + " names no service; use SERVICE=REF");
          }
          if (image.isBlank()) {
            throw new ParameterException(
                spec.commandLine(), "--image " + service + "= names no image; use SERVICE=REF");
          }
        });
  }

  /**
   * Fails for the first compose service that has only {@code build:} and no {@code --image},
   * because deploy takes prebuilt images only.
   */
  private void requireImages() {
    buildOnly.forEach(
        (service, place) -> {
          if (!images.containsKey(service)) {
            throw new CommandFailedException(
                place
                    + ": service '"
                    + service
                    + "' has build: but no image:; deploy takes prebuilt images only, so build it"
                    + " with 'slipway push' (or git push), name its image with image: or --image "
                    + service
                    + "=REF, or give --tag TAG to deploy ORG/FLEET/"
                    + service
                    + ":TAG",
                ExitCode.USAGE);
          }
        });
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

  private Map<String, Map<String, Object>> composeServices(Path file) {
    String name = file.getFileName().toString();
    String text = ComposeInterpolation.apply(read(file), name, interpolationVariables(file));
    ComposeFile parsed;
    try {
      parsed = ComposeFile.parse(text, name);
    } catch (BuildInputException | IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage(), ExitCode.USAGE);
    }

    Map<String, Set<String>> bareNames = HostVariables.bareNames(text, file);
    Map<String, Map<String, Object>> services = new LinkedHashMap<>();
    for (ServiceSpec service : parsed.services()) {
      Map<String, Object> body = new LinkedHashMap<>();
      if (service.image() == null) {
        buildOnly.put(service.name(), name + ":" + service.line());
      }
      if (service.image() != null) {
        body.put("image", service.image());
      }
      body.put(
          "environment",
          withHostValues(name, service, bareNames.getOrDefault(service.name(), Set.of())));
      body.put("labels", service.labels());
      body.put("configuration", service.configuration());
      services.put(service.name(), body);
    }
    return services;
  }

  /**
   * Returns the variables that compose values may name: those of the {@code .env} file next to the
   * compose file, overridden by this process's environment, as in Docker Compose.
   */
  private Map<String, String> interpolationVariables(Path file) {
    Path directory = file.toAbsolutePath().getParent();
    Map<String, String> variables =
        new LinkedHashMap<>(DotEnv.read(directory, environment.variables()));
    variables.putAll(environment.variables());
    return variables;
  }

  /**
   * Fails for the first image reference that cannot be one, such as a value whose interpolation was
   * escaped with {@code $$} or a variable that held white space, before the server is called.
   */
  private static void checkReferences(Map<String, Map<String, Object>> services) {
    services.forEach(
        (service, body) -> {
          if (body.get("image") instanceof String image) {
            String problem = referenceProblem(image);
            if (problem != null) {
              throw new CommandFailedException(
                  "The image '"
                      + image
                      + "' of service '"
                      + service
                      + "' "
                      + problem
                      + "; give a reference such as HOST/ORG/FLEET/SERVICE:TAG",
                  ExitCode.USAGE);
            }
          }
        });
  }

  /** Returns why {@code image} cannot be an image reference, or null when it may be one. */
  private static String referenceProblem(String image) {
    if (image.isBlank()) {
      return "is empty";
    }
    if (image.chars().anyMatch(Character::isWhitespace)) {
      return "contains white space";
    }
    if (image.indexOf('$') >= 0) {
      return "contains '$'";
    }
    return null;
  }

  /**
   * Fills the variables named without a value from this process's environment, as Docker Compose
   * does from its shell's.
   */
  private Map<String, String> withHostValues(
      String file, ServiceSpec service, Set<String> bareNames) {
    Map<String, String> values = new LinkedHashMap<>(service.environment());
    for (String variable : bareNames) {
      String value = environment.variables().get(variable);
      if (value == null) {
        throw new CommandFailedException(
            file
                + ": service '"
                + service.name()
                + "' takes environment variable "
                + variable
                + " from this shell, but "
                + variable
                + " is unset. Set it, or write "
                + variable
                + "=VALUE in the compose file",
            ExitCode.USAGE);
      }
      values.put(variable, value);
    }
    return values;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CommandFailedException(
          "Cannot read compose file " + file + ": " + e.getMessage(), ExitCode.USAGE);
    }
  }

  private static void putIfPresent(Map<String, Object> body, String name, String value) {
    if (value != null && !value.isBlank()) {
      body.put(name, value);
    }
  }
}
