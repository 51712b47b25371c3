package io.slipway.cli.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.client.Connection;
import io.slipway.cli.client.SlipwayClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Following a build log whose event stream breaks off before the release ends. */
class LogStreamTest {

  private static final String FIRST =
      "event:log\nid:1\ndata:{\"id\":1,\"service\":null,\"platform\":null,\"line\":\"one\"}\n\n";
  private static final String SECOND =
      "event:log\nid:2\ndata:{\"id\":2,\"service\":null,\"platform\":null,\"line\":\"two\"}\n\n"
          + "event:end\ndata:{\"status\":\"FAILED\"}\n\n";

  private HttpServer server;
  private final List<String> queries = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean ends = true;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/v1/releases/5/logs/stream",
        exchange -> {
          String query = exchange.getRequestURI().getQuery();
          queries.add(query);
          send(exchange, query.equals("after=0") || !ends ? FIRST : SECOND);
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void send(HttpExchange exchange, String events) throws IOException {
    byte[] body = events.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private LogStream stream() {
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    return new LogStream(new SlipwayClient(new Connection(base, "slt_t")), 5);
  }

  @Test
  void brokenStreamResumesAfterTheLastLine() {
    List<String> lines = new ArrayList<>();

    String status = stream().follow(line -> lines.add(line.text()));

    assertThat(status).isEqualTo("FAILED");
    assertThat(lines).containsExactly("one", "two");
    assertThat(queries).containsExactly("after=0", "after=1");
  }

  @Test
  void streamThatKeepsBreakingIsUnreachable() {
    ends = false;

    assertThatThrownBy(() -> stream().follow(line -> {}))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("slipway release follow 5")
        .satisfies(e -> assertThat(((CommandFailedException) e).exitCode()).isEqualTo(4));
  }
}
