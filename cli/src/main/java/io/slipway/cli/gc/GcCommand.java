package io.slipway.cli.gc;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.DurationConverter;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code slipway gc}: requests that a running server collect unreferenced registry blobs. The
 * collection runs inside the server, because only there can it lock out pushes that would race with
 * it.
 */
@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    description = {
      "Deletes registry blobs that no manifest references and that are older than the grace"
          + " period, in the running server. Prints the report as JSON.",
      "It finds the server through DIR/server.port of the data directory unless --server is"
          + " given. The admin token comes from --token-file, else the SLIPWAY_TOKEN environment"
          + " variable, else DIR/bootstrap-token; this holds with --server too.",
      "Errors at run time, such as a missing token file or no server listening, are printed as"
          + " one line and exit with code 1; bad options exit with code 2."
    })
public class GcCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "data",
      description = "Data directory of the running server. Default: ./data.")
  Path dataDirectory;

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "Base URL of the server, such as http://127.0.0.1:8080. Default: the port in"
              + " DIR/server.port. Combine it with SLIPWAY_TOKEN or --token-file for a server"
              + " whose data directory is not at hand.")
  URI server;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "File holding the admin API token. Default: the SLIPWAY_TOKEN environment variable,"
              + " else DIR/bootstrap-token.")
  Path tokenFile;

  @Option(names = "--dry-run", description = "Reports what would be deleted; deletes nothing.")
  boolean dryRun;

  @Option(
      names = "--grace-period",
      paramLabel = "DURATION",
      defaultValue = "PT1H",
      converter = DurationConverter.class,
      description =
          "Keeps unreferenced blobs younger than this, so that pushes in flight are safe:"
              + " ISO-8601 such as PT1H, or a number with s, m, h or d such as 30m or 2d."
              + " Default: 1h.")
  Duration gracePeriod;

  @Option(
      names = "--delete-untagged",
      description = "Also deletes manifests that no tag, index or kept referrer needs.")
  boolean deleteUntagged;

  @Override
  public Integer call() throws IOException, InterruptedException {
    URI base = server != null ? server : serverFromDataDirectory();
    String token = token();
    URI uri =
        base.resolve(
            "/api/v1/registry/garbage-collection?dryRun="
                + dryRun
                + "&deleteUntagged="
                + deleteUntagged
                + "&gracePeriod="
                + gracePeriod);
    String credentials =
        Base64.getEncoder().encodeToString(("admin:" + token).getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Basic " + credentials)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();

    HttpResponse<String> response = send(request, base);
    spec.commandLine().getOut().println(response.body());
    if (response.statusCode() != 200) {
      spec.commandLine()
          .getErr()
          .println("gc: the server answered HTTP " + response.statusCode() + " from " + uri);
      return 1;
    }
    return 0;
  }

  private HttpResponse<String> send(HttpRequest request, URI base)
      throws IOException, InterruptedException {
    try {
      return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new CommandFailedException(
          "No server is listening at "
              + base
              + ": start it with 'slipway server' or pass --server");
    }
  }

  private URI serverFromDataDirectory() throws IOException {
    Path portFile = dataDirectory.resolve("server.port");
    try {
      String port = Files.readString(portFile).trim();
      return URI.create("http://127.0.0.1:" + Integer.parseInt(port));
    } catch (NoSuchFileException e) {
      throw new CommandFailedException(
          "No " + portFile + ": is the server running with --data-dir " + dataDirectory + "?");
    } catch (NumberFormatException e) {
      throw new CommandFailedException(
          "File " + portFile + " does not hold a port number: restart the server or pass --server");
    }
  }

  private String token() throws IOException {
    if (tokenFile == null) {
      String fromEnvironment = System.getenv("SLIPWAY_TOKEN");
      if (fromEnvironment != null && !fromEnvironment.isBlank()) {
        return fromEnvironment.trim();
      }
    }
    Path file = tokenFile != null ? tokenFile : dataDirectory.resolve("bootstrap-token");
    try {
      return Files.readString(file).trim();
    } catch (NoSuchFileException e) {
      throw new CommandFailedException(
          "No token file " + file + ": pass --token-file or set SLIPWAY_TOKEN to an admin token");
    }
  }
}
