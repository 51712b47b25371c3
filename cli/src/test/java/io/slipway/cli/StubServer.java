package io.slipway.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small HTTP server on a free loopback port that responds to every request with one fixed status
 * and body, or with the one set for its path by {@link #route}, and records what it was sent.
 */
public final class StubServer implements AutoCloseable {

  /** One request as received. */
  public record Request(String method, String uri, String authorization, String body) {}

  private final HttpServer server;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Answer> routes = new ConcurrentHashMap<>();
  private volatile int status;
  private volatile String body;

  private record Answer(int status, String body) {}

  public StubServer(int status, String body) throws IOException {
    this.status = status;
    this.body = body;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Changes the response to later requests. */
  public void answer(int status, String body) {
    this.status = status;
    this.body = body;
  }

  /** Responds to requests for {@code path}, without the query, with this status and body. */
  public StubServer route(String path, int status, String body) {
    routes.put(path, new Answer(status, body));
    return this;
  }

  /**
   * Responds to {@code method} requests for {@code path}, without the query, with this status and
   * body. Takes precedence over a route for the path alone.
   */
  public StubServer route(String method, String path, int status, String body) {
    routes.put(method + " " + path, new Answer(status, body));
    return this;
  }

  /** Returns the server's base URL. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Returns the requests received so far. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String received;
    try (InputStream in = exchange.getRequestBody()) {
      received = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    requests.add(
        new Request(
            exchange.getRequestMethod(),
            exchange.getRequestURI().toString(),
            exchange.getRequestHeaders().getFirst("Authorization"),
            received));
    String path = exchange.getRequestURI().getPath();
    Answer chosen =
        routes.getOrDefault(
            exchange.getRequestMethod() + " " + path,
            routes.getOrDefault(path, new Answer(status, body)));
    byte[] answer = chosen.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(chosen.status(), answer.length == 0 ? -1 : answer.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
