package io.slipway.api.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Sends real HTTP requests to a test server on 127.0.0.1. */
public final class HttpTestClient {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  public HttpTestClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** Returns the value of an {@code Authorization: Basic} header for {@code user:password}. */
  public static String basic(String user, String password) {
    String pair = user + ":" + password;
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /** URL-encodes {@code value} for a query string or form. */
  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Sends a GET to {@code pathAndQuery} with header name/value pairs. */
  public HttpResponse<String> get(String pathAndQuery, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET();
    return send(withHeaders(request, headers));
  }

  /** Sends a GET to {@code pathAndQuery} with header name/value pairs; keeps the body as bytes. */
  public HttpResponse<byte[]> getBytes(String pathAndQuery, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET();
    try {
      return client.send(
          withHeaders(request, headers).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the test server", e);
    }
  }

  /** Sends a POST of an {@code application/x-www-form-urlencoded} body. */
  public HttpResponse<String> postForm(String path, String form, String... headers) {
    return post(path, "application/x-www-form-urlencoded", form, headers);
  }

  /** Sends a POST of {@code body} with the given content type. */
  public HttpResponse<String> post(
      String path, String contentType, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    return send(withHeaders(request, headers));
  }

  /** Returns the value of an {@code Authorization: Bearer} header for {@code token}. */
  public static String bearer(String token) {
    return "Bearer " + token;
  }

  /** Sends a POST of a JSON body. */
  public HttpResponse<String> postJson(String path, String json, String... headers) {
    return send("POST", path, json, headers);
  }

  /** Sends a PUT of a JSON body. */
  public HttpResponse<String> putJson(String path, String json, String... headers) {
    return send("PUT", path, json, headers);
  }

  /** Sends a PATCH of a JSON body. */
  public HttpResponse<String> patchJson(String path, String json, String... headers) {
    return send("PATCH", path, json, headers);
  }

  /** Sends a DELETE without a body. */
  public HttpResponse<String> delete(String path, String... headers) {
    return send("DELETE", path, null, headers);
  }

  /**
   * Sends {@code method} to {@code path} with an optional JSON body.
   *
   * @param json the body, sent as {@code application/json}; null for none
   */
  public HttpResponse<String> send(String method, String path, String json, String... headers) {
    HttpRequest.BodyPublisher body =
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).method(method, body);
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return send(withHeaders(request, headers));
  }

  private static HttpRequest.Builder withHeaders(HttpRequest.Builder request, String... headers) {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return request.timeout(Duration.ofSeconds(30));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the test server", e);
    }
  }
}
