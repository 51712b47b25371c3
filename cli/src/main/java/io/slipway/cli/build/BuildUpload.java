package io.slipway.cli.build;

import io.slipway.cli.CommandFailedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to the server for {@code slipway build}: uploads the source archive to {@code POST
 * /api/v1/orgs/{org}/fleets/{fleet}/builds} and follows the release's build log as server-sent
 * events until the release ends. Holds the token, so {@link #toString} leaves it out. Not
 * thread-safe; one instance per command run.
 */
final class BuildUpload {

  private final URI server;
  private final String token;
  private final HttpClient http;
  private final JsonMapper json = JsonMapper.builder().build();

  BuildUpload(URI server, String token) {
    this.server = server;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /**
   * Uploads {@code archive} for {@code fleet} ({@code ORG/FLEET}) and returns the id of the release
   * the server started.
   *
   * @throws CommandFailedException naming the server and its answer when the upload is refused
   */
  long start(String fleet, Path archive, Map<String, String> parameters)
      throws IOException, InterruptedException {
    StringBuilder query = new StringBuilder();
    Map<String, String> present = new LinkedHashMap<>();
    parameters.forEach(
        (name, value) -> {
          if (value != null) {
            present.put(name, value);
          }
        });
    present.forEach(
        (name, value) ->
            query
                .append(query.length() == 0 ? "?" : "&")
                .append(name)
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    int slash = fleet.indexOf('/');
    URI uri =
        server.resolve(
            "/api/v1/orgs/"
                + fleet.substring(0, slash)
                + "/fleets/"
                + fleet.substring(slash + 1)
                + "/builds"
                + query);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/gzip")
            .POST(HttpRequest.BodyPublishers.ofFile(archive))
            .build();
    HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new CommandFailedException(
          "The server answered HTTP "
              + response.statusCode()
              + " to the upload at "
              + uri
              + ": "
              + response.body().strip());
    }
    return json.readTree(response.body()).path("id").asLong();
  }

  /**
   * Prints every build log line of release {@code id} as it arrives and returns its final status
   * ({@code SUCCESS} or {@code FAILED}).
   */
  String follow(long id, PrintWriter out) throws IOException, InterruptedException {
    URI uri = server.resolve("/api/v1/releases/" + id + "/logs/stream");
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + token)
            .header("Accept", "text/event-stream")
            .GET()
            .build();
    HttpResponse<Stream<String>> response = send(request, HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      response.body().close();
      throw new CommandFailedException(
          "The server answered HTTP " + response.statusCode() + " when following " + uri);
    }
    try (Stream<String> lines = response.body()) {
      return readEvents(lines.iterator(), out);
    }
  }

  private String readEvents(Iterator<String> lines, PrintWriter out) {
    String event = "message";
    StringBuilder data = new StringBuilder();
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.isEmpty()) {
        String status = dispatch(event, data.toString(), out);
        if (status != null) {
          return status;
        }
        event = "message";
        data.setLength(0);
      } else if (line.startsWith("event:")) {
        event = line.substring(6).strip();
      } else if (line.startsWith("data:")) {
        data.append(data.length() == 0 ? "" : "\n").append(line.substring(5).stripLeading());
      }
    }
    throw new CommandFailedException(
        "The build log stream of release ended before the release did; follow it again with"
            + " GET /api/v1/releases/ID/logs");
  }

  /** Handles one event; returns the final status for the {@code end} event, else null. */
  private String dispatch(String event, String data, PrintWriter out) {
    if (event.equals("end")) {
      return json.readTree(data).path("status").asText();
    }
    if (event.equals("log")) {
      JsonNode line = json.readTree(data);
      String service = line.path("service").asText("");
      String platform = line.path("platform").asText("");
      String prefix =
          service.isEmpty()
              ? ""
              : "[" + service + (platform.isEmpty() ? "" : " " + platform) + "] ";
      out.println(prefix + line.path("line").asText());
      out.flush();
    }
    return null;
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    try {
      return http.send(request, handler);
    } catch (ConnectException e) {
      throw new CommandFailedException(
          "No server is listening at " + server + "; start it or pass the right --server");
    }
  }

  @Override
  public String toString() {
    return "BuildUpload[server=" + server + "]";
  }
}
