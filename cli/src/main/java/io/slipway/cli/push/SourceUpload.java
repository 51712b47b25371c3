package io.slipway.cli.push;

import io.slipway.builder.plan.EngineChoice;
import io.slipway.cli.CliEnvironment;
import io.slipway.cli.build.SourceArchive;
import io.slipway.cli.client.CountingPublisher;
import io.slipway.cli.client.FleetName;
import io.slipway.cli.client.SlipwayClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs a project directory and uploads it to {@code POST
 * /api/v1/orgs/{org}/fleets/{fleet}/builds}, showing the bytes sent as a bar on a terminal. Shared
 * by {@code push} and {@code build}. Not thread-safe; one per command run.
 */
public final class SourceUpload {

  private final SlipwayClient client;
  private final PrintWriter out;
  private final boolean terminal;
  private final boolean quiet;

  /**
   * @param quiet whether to print nothing, for {@code --json}
   */
  public SourceUpload(
      SlipwayClient client, CliEnvironment environment, PrintWriter out, boolean quiet) {
    this.client = client;
    this.out = out;
    this.terminal = environment.terminal() && !quiet;
    this.quiet = quiet;
  }

  /**
   * Uploads the project at {@code root} for {@code fleet} and returns the id of the release the
   * server started.
   *
   * @param parameters query parameters of the builds call, such as {@code version}; null values are
   *     left out
   * @throws io.slipway.cli.CommandFailedException as {@link SlipwayClient} does
   * @throws IOException when the project cannot be read or the archive written
   */
  public long start(FleetName fleet, Path root, Map<String, String> parameters) throws IOException {
    Path archive = Files.createTempFile("slipway-source-", ".tar.gz");
    try {
      int entries = SourceArchive.write(root, archive);
      long size = Files.size(archive);
      say(
          "Uploading "
              + entries
              + " entries ("
              + UploadProgress.size(size)
              + ") to "
              + client.connection().server());

      UploadProgress progress = new UploadProgress(out, terminal, size);
      long release;
      try {
        release =
            client
                .post(
                    fleet.path() + "/builds" + query(parameters),
                    "application/gzip",
                    new CountingPublisher(BodyPublishers.ofFile(archive), progress))
                .path("id")
                .asLong();
      } finally {
        progress.finish();
      }
      say("Release " + release + " of " + fleet + " started; following its build");
      return release;
    } finally {
      Files.deleteIfExists(archive);
    }
  }

  /**
   * Returns the query parameters of the builds call; null values are left out of the request.
   *
   * @param version the release version, or null for the server's choice
   * @param commit the source commit to record, or null
   * @param engine the engine to build with; {@code AUTO} lets the server choose
   * @param noCache whether to rebuild every partition
   */
  public static Map<String, String> parameters(
      String version, String commit, EngineChoice engine, boolean noCache) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("version", version);
    parameters.put("commit", commit);
    parameters.put("engine", engine == EngineChoice.AUTO ? null : engine.engineName());
    parameters.put("noCache", noCache ? "true" : null);
    return parameters;
  }

  private void say(String line) {
    if (!quiet) {
      out.println(line);
      out.flush();
    }
  }

  private static String query(Map<String, String> parameters) {
    List<String> present = new ArrayList<>();
    parameters.forEach(
        (name, value) -> {
          if (value != null) {
            present.add(name + "=" + SlipwayClient.encode(value));
          }
        });
    return present.isEmpty() ? "" : "?" + String.join("&", present);
  }
}
