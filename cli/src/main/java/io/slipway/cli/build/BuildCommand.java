package io.slipway.cli.build;

import io.slipway.api.fleet.DeviceType;
import io.slipway.api.fleet.DeviceTypeCatalog;
import io.slipway.builder.plan.AvailableEngines;
import io.slipway.builder.plan.BuildTarget;
import io.slipway.builder.plan.DryRun;
import io.slipway.builder.plan.EmulatorCheck;
import io.slipway.builder.plan.EngineChoice;
import io.slipway.builder.plan.Planner;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.project.Project;
import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CliLogging;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.client.FleetName;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.push.SourceUpload;
import io.slipway.cli.release.ReleaseFollower;
import io.slipway.cli.release.ReleaseInput;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway build}: builds a project into a release. With {@code --dry-run} it contacts no
 * server: it loads the project, runs the preflight checks that need no registry, and prints the
 * resolved Dockerfile and the engine for every service and device type, with base images as
 * written. Without it, it packs the project (honouring the root {@code .dockerignore}, always
 * without {@code .git}), uploads it to the server, which builds it, and prints the build log until
 * the release ends.
 */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Builds the project in DIR (a docker-compose.yml or a single Dockerfile) into a release.",
      "With --dry-run, prints the resolved Dockerfile and the engine for every service and"
          + " device type and contacts no server; base images are shown as written. The engine"
          + " shown assumes Jib, plus the Docker engine when /var/run/docker.sock exists here.",
      "Without --dry-run, uploads DIR for fleet --fleet like 'slipway push --log' (without its"
          + " .git directory) and prints the build log until the release ends."
    })
public class BuildCommand implements Callable<Integer> {

  private static final Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "The project directory. Default: the current directory.")
  Path directory;

  @Option(names = "--dry-run", description = "Prints the plan; builds and uploads nothing.")
  boolean dryRun;

  @Option(
      names = "--device-type",
      paramLabel = "SLUG",
      description =
          "A device type to build for, such as raspberrypi4-64; repeat for several. Default for"
              + " --dry-run: each built-in device type on its own. Default for an upload: the"
              + " fleet's.")
  List<String> deviceTypes = new ArrayList<>();

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      defaultValue = "auto",
      description = "auto, jib, docker or buildkit. Default: auto.")
  String engine;

  @Mixin ServerOptions serverOptions;

  @Option(
      names = "--fleet",
      paramLabel = "ORG/FLEET",
      converter = FleetName.Converter.class,
      description = "The fleet to release to.")
  FleetName fleet;

  @Option(names = "--release-version", paramLabel = "VERSION", description = "The release version.")
  String version;

  @Option(names = "--commit", paramLabel = "SHA", description = "The source commit to record.")
  String commit;

  @Option(names = "--no-cache", description = "Rebuilds every partition, ignoring the cache.")
  boolean noCache;

  BuildCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws IOException {
    CliLogging.quiet();
    EngineChoice choice = engineChoice();
    Path root = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new CommandFailedException(
          "Project directory " + root + " does not exist; pass the directory to build");
    }
    Project project = Project.load(root);
    return dryRun ? printPlan(project, choice) : upload(root, choice);
  }

  private EngineChoice engineChoice() {
    try {
      return EngineChoice.parse(engine);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private int printPlan(Project project, EngineChoice choice) {
    boolean docker = Files.exists(DOCKER_SOCKET) || System.getenv("DOCKER_HOST") != null;
    AvailableEngines engines = new AvailableEngines(false, docker);
    Planner planner = Planner.dryRun(engines, EmulatorCheck.binfmt());
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "Engines assumed: jib"
            + (docker
                ? ", docker (a local Docker engine was found)"
                : " only (no Docker engine found)"));
    // Named device types are planned together, as one fleet's; without names each built-in type
    // is planned on its own, because no fleet builds for all of them at once.
    List<List<BuildTarget>> fleets =
        deviceTypes.isEmpty() ? targets().stream().map(List::of).toList() : List.of(targets());
    for (List<BuildTarget> targets : fleets) {
      out.print(DryRun.render(planner.plan(project, targets, choice)));
    }
    out.flush();
    return 0;
  }

  private List<BuildTarget> targets() {
    DeviceTypeCatalog catalog = DeviceTypeCatalog.builtIn();
    List<String> slugs = deviceTypes.isEmpty() ? catalog.slugs() : deviceTypes;
    List<BuildTarget> targets = new ArrayList<>();
    for (String slug : slugs) {
      DeviceType type =
          catalog
              .find(slug)
              .orElseThrow(
                  () ->
                      new ParameterException(
                          spec.commandLine(),
                          "Device type '"
                              + slug
                              + "' is unknown; use one of "
                              + String.join(", ", catalog.slugs())));
      targets.add(
          new BuildTarget(
              type.slug(),
              type.architecture().name(),
              Platform.parse(type.architecture().platform())));
    }
    return targets;
  }

  private int upload(Path root, EngineChoice choice) throws IOException {
    if (fleet == null) {
      throw new ParameterException(
          spec.commandLine(), "Uploading needs --fleet ORG/FLEET, or use --dry-run");
    }
    if (!deviceTypes.isEmpty()) {
      // NOTE: the upload endpoint builds for the fleet's device types; it takes no list.
      throw new ParameterException(
          spec.commandLine(),
          "--device-type works with --dry-run only; an upload builds for the fleet's device types");
    }
    ReleaseInput.check(spec.commandLine(), version, commit);
    SlipwayClient client = serverOptions.client(environment);
    PrintWriter out = spec.commandLine().getOut();
    Map<String, String> parameters = SourceUpload.parameters(version, commit, choice, noCache);
    long release = new SourceUpload(client, environment, out, false).start(fleet, root, parameters);
    return new ReleaseFollower(client, environment, out, false, true).follow(release);
  }
}
