package io.slipway.cli.client;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small client of the server's HTTP API under {@code /api/v1}. Every failure becomes a {@link
 * CommandFailedException} with the exit code scripts rely on: {@link ExitCode#UNREACHABLE} when no
 * connection could be made, {@link ExitCode#NOT_AUTHORIZED} for HTTP 401 and 403, and {@link
 * ExitCode#FAILED} for any other refusal, with the server's error code and message. Holds the
 * token, so {@link #toString()} leaves it out. Thread-safe.
 */
public final class SlipwayClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final Connection connection;
  private final HttpClient http;

  public SlipwayClient(Connection connection) {
    this.connection = connection;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** Returns the server and token this client uses. */
  public Connection connection() {
    return connection;
  }

  /** Returns the JSON mapper the client reads and writes bodies with. */
  public static JsonMapper json() {
    return JSON;
  }

  /** Encodes one path segment or query value. */
  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Sends {@code GET path} and returns the JSON body of a 2xx response. */
  public JsonNode get(String path) {
    return send(request(path).GET().build());
  }

  /**
   * Sends {@code POST path} with {@code body} as JSON and returns the JSON body of the response.
   */
  public JsonNode post(String path, Object body) {
    String text = JSON.writeValueAsString(body);
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(text, StandardCharsets.UTF_8))
            .build());
  }

  /** Sends {@code PUT path} with {@code body} as JSON and returns the JSON body of the response. */
  public JsonNode put(String path, Object body) {
    String text = JSON.writeValueAsString(body);
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .PUT(BodyPublishers.ofString(text, StandardCharsets.UTF_8))
            .build());
  }

  /**
   * Sends {@code DELETE path} and returns the JSON body of the response, a null node for the usual
   * {@code 204}.
   */
  public JsonNode delete(String path) {
    return send(request(path).DELETE().build());
  }

  /**
   * Sends {@code POST path} with a body of {@code contentType} from {@code publisher}, such as an
   * upload whose progress the publisher reports, and returns the JSON body of the response.
   */
  public JsonNode post(String path, String contentType, BodyPublisher publisher) {
    return send(request(path).header("Content-Type", contentType).POST(publisher).build());
  }

  /**
   * Sends {@code GET path} and returns the 2xx response with its body as a stream, for downloads
   * too large to hold in memory. The caller closes the body.
   *
   * @param accept the media types to accept, such as {@code application/zip}
   */
  public HttpResponse<InputStream> download(String path, String accept) {
    HttpRequest request = request(path).setHeader("Accept", accept).GET().build();
    HttpResponse<InputStream> response = exchange(request, BodyHandlers.ofInputStream());
    if (response.statusCode() / 100 != 2) {
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      } catch (IOException e) {
        body = "";
      }
      throw rejected(request, response.statusCode(), body);
    }
    return response;
  }

  /**
   * Opens the server-sent event stream at {@code path} and returns its lines. The caller closes the
   * stream.
   */
  public Stream<String> events(String path) {
    HttpRequest request = request(path).header("Accept", "text/event-stream").GET().build();
    HttpResponse<Stream<String>> response = exchange(request, BodyHandlers.ofLines());
    if (response.statusCode() / 100 != 2) {
      String body;
      try (Stream<String> lines = response.body()) {
        Iterator<String> iterator = lines.iterator();
        StringBuilder text = new StringBuilder();
        while (iterator.hasNext() && text.length() < 4096) {
          text.append(iterator.next());
        }
        body = text.toString();
      }
      throw rejected(request, response.statusCode(), body);
    }
    return response.body();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(connection.resolve(path))
        .header("Authorization", "Bearer " + connection.token())
        .header("Accept", "application/json");
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<String> response = exchange(request, BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw rejected(request, response.statusCode(), response.body());
    }
    String body = response.body();
    if (body == null || body.isBlank()) {
      return JSON.nullNode();
    }
    try {
      return JSON.readTree(body);
    } catch (JacksonException e) {
      throw new CommandFailedException(
          "The server at "
              + connection.server()
              + " answered "
              + request.method()
              + " "
              + request.uri().getPath()
              + " with a body that is not JSON; is --server the Slipway server's URL?");
    }
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (ConnectException | HttpConnectTimeoutException | UnresolvedAddressException e) {
      throw unreachable(e);
    } catch (IOException e) {
      if (e.getCause() instanceof UnresolvedAddressException
          || e.getCause() instanceof ConnectException) {
        throw unreachable(e);
      }
      throw new CommandFailedException(
          "The connection to " + connection.server() + " failed: " + e + "; try again",
          ExitCode.UNREACHABLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailedException("Interrupted while waiting for " + connection.server());
    }
  }

  private CommandFailedException unreachable(Exception e) {
    return new CommandFailedException(
        "Cannot reach the server at "
            + connection.server()
            + " ("
            + e.getClass().getSimpleName()
            + "); check that it runs and that --server, SLIPWAY_SERVER or the stored login names"
            + " it",
        ExitCode.UNREACHABLE);
  }

  private CommandFailedException rejected(HttpRequest request, int status, String body) {
    String what = request.method() + " " + request.uri().getPath();
    ServerError error = ServerError.parse(body);
    if (status == 401) {
      return new CommandFailedException(
          "The server rejected the token (HTTP 401 "
              + error.code()
              + ": "
              + error.message()
              + "); run 'slipway login' with a valid API token",
          ExitCode.NOT_AUTHORIZED);
    }
    if (status == 403) {
      return new CommandFailedException(
          "The token may not do " + what + " (HTTP 403 " + error.code() + "): " + error.message(),
          ExitCode.NOT_AUTHORIZED);
    }
    return new CommandFailedException(
        "The server rejected "
            + what
            + " (HTTP "
            + status
            + " "
            + error.code()
            + "): "
            + error.message(),
        ExitCode.FAILED);
  }

  @Override
  public String toString() {
    return "SlipwayClient[server=" + connection.server() + "]";
  }
}
