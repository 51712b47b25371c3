package io.slipway.cli.release;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.config.ServerOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway release follow ID}: shows a release's build until it ends. The exit code shows how
 * it ended.
 */
@Command(
    name = "follow",
    mixinStandardHelpOptions = true,
    description = {
      "Follows the build of a release until it ends, then prints it. A finished release's log is"
          + " shown whole.",
      "Exit code 0 when the release succeeded, 1 when it failed."
    })
public class ReleaseFollowCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Parameters(index = "0", paramLabel = "ID", description = "The release id.")
  long id;

  @Option(names = "--log", description = "Prints every build log line instead of progress.")
  boolean everyLine;

  @Option(names = "--json", description = "Prints only the final release as one JSON document.")
  boolean json;

  ReleaseFollowCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    return new ReleaseFollower(
            serverOptions.client(environment),
            environment,
            spec.commandLine().getOut(),
            json,
            everyLine)
        .follow(id);
  }
}
