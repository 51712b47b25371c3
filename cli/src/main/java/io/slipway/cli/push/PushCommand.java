package io.slipway.cli.push;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.plan.EngineChoice;
import io.slipway.builder.project.Project;
import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.FleetOption;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.release.ReleaseFollower;
import io.slipway.cli.release.ReleaseInput;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code slipway push [DIR]}: sends a project directory to the server as a gzip-compressed tar
 * stream (honouring the root {@code .dockerignore}), which builds it into a release of the fleet,
 * and follows the build until the release ends. For users without git; a {@code git push} to the
 * server does the same.
 */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description = {
      "Uploads the project in DIR (a docker-compose.yml or a single Dockerfile) to the server,"
          + " which builds it into a release of the fleet for every platform of the fleet's device"
          + " types, and follows the build until the release ends.",
      "Files excluded by the root .dockerignore are not sent, nor is the .git directory."
    })
public class PushCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "The project directory. Default: the current directory.")
  Path directory;

  @Mixin FleetOption fleetOption;

  @Option(
      names = "--release-version",
      paramLabel = "VERSION",
      description = "The release version, such as 1.2.0. Default: the server picks the next one.")
  String version;

  @Option(names = "--commit", paramLabel = "SHA", description = "The source commit to record.")
  String commit;

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      defaultValue = "auto",
      description = "auto, jib, docker or buildkit. Default: auto (the server chooses).")
  String engine;

  @Option(names = "--no-cache", description = "Rebuilds every service, ignoring the build cache.")
  boolean noCache;

  @Option(names = "--log", description = "Prints every build log line instead of progress.")
  boolean everyLine;

  @Option(names = "--json", description = "Prints only the final release as one JSON document.")
  boolean json;

  PushCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws IOException {
    EngineChoice choice = engineChoice();
    ReleaseInput.check(spec.commandLine(), version, commit);
    Path root = directory.toAbsolutePath().normalize();
    requireProject(root);
    SlipwayClient client = serverOptions.client(environment);
    PrintWriter out = spec.commandLine().getOut();

    Map<String, String> parameters = SourceUpload.parameters(version, commit, choice, noCache);
    long release =
        new SourceUpload(client, environment, out, json)
            .start(fleetOption.fleet(), root, parameters);
    return new ReleaseFollower(client, environment, out, json, everyLine).follow(release);
  }

  private EngineChoice engineChoice() {
    try {
      return EngineChoice.parse(engine);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Reads the project as the server will, so that bad input fails here, before any upload. */
  private static void requireProject(Path root) {
    if (!Files.isDirectory(root)) {
      throw new CommandFailedException(
          "Project directory " + root + " does not exist; pass the directory to push",
          ExitCode.USAGE);
    }
    try {
      Project.load(root);
    } catch (BuildInputException | IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage(), ExitCode.USAGE);
    } catch (UncheckedIOException e) {
      throw new CommandFailedException(
          "Cannot read project " + root + ": " + e.getCause().getMessage(), ExitCode.USAGE);
    }
  }
}
