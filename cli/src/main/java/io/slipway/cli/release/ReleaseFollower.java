package io.slipway.cli.release;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.output.JsonOutput;
import java.io.PrintWriter;
import tools.jackson.databind.JsonNode;

/**
 * Follows a release to its end for {@code push}, {@code build} and {@code release follow}: shows
 * its build, then prints the finished release, or the release as one JSON document with {@code
 * --json}. Not thread-safe.
 */
public final class ReleaseFollower {

  private static final int DEFAULT_WIDTH = 80;

  private final SlipwayClient client;
  private final PrintWriter out;
  private final ProgressDisplay display;
  private final boolean json;

  /**
   * @param json whether to print only the final release as JSON
   * @param everyLine whether to print every build log line
   */
  public ReleaseFollower(
      SlipwayClient client,
      CliEnvironment environment,
      PrintWriter out,
      boolean json,
      boolean everyLine) {
    this.client = client;
    this.out = out;
    this.json = json;
    this.display =
        json
            ? ProgressDisplay.silent()
            : ProgressDisplay.of(out, environment.terminal(), everyLine, width(environment));
  }

  /**
   * Follows release {@code id} until it ends and prints the result.
   *
   * @return {@link ExitCode#SUCCESS} when it ended {@code SUCCESS}, else {@link ExitCode#FAILED}
   */
  public int follow(long id) {
    String status = new LogStream(client, id).follow(display::accept);
    display.finish();
    JsonNode release = client.get("/api/v1/releases/" + id);
    if (json) {
      JsonOutput.print(out, release);
    } else {
      ReleaseText.print(out, release);
    }
    return status.equals("SUCCESS") ? ExitCode.SUCCESS : ExitCode.FAILED;
  }

  private static int width(CliEnvironment environment) {
    String columns = environment.variable("COLUMNS");
    try {
      return columns == null ? DEFAULT_WIDTH : Integer.parseInt(columns);
    } catch (NumberFormatException e) {
      return DEFAULT_WIDTH;
    }
  }
}
