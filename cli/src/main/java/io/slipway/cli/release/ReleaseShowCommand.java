package io.slipway.cli.release;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.ExitCode;
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

/** {@code slipway release show ID}: one release with its services and images. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Shows a release: status, version, source, commit and each service's image.")
public class ReleaseShowCommand implements Callable<Integer> {

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Parameters(index = "0", paramLabel = "ID", description = "The release id.")
  long id;

  @Option(names = "--json", description = "Prints the release as one JSON document.")
  boolean json;

  ReleaseShowCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    JsonNode release = serverOptions.client(environment).get("/api/v1/releases/" + id);
    if (json) {
      JsonOutput.print(spec.commandLine().getOut(), release);
    } else {
      ReleaseText.print(spec.commandLine().getOut(), release);
    }
    return ExitCode.SUCCESS;
  }
}
