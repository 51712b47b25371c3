package io.slipway.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.slipway.agent.client.HttpDeviceApi;
import io.slipway.agent.client.LogLine;
import io.slipway.agent.config.AgentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The forwarder with the real HTTP device API against a JDK HTTP server on 127.0.0.1 in place of
 * the server's log endpoint, which can be made to stall. The real server cannot run in this module,
 * and it cannot be made to stall on purpose.
 */
class LogForwarderTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static final String UUID = "0123456789abcdef0123456789abcdef";

  private static final LogForwarder.Limits SMALL =
      new LogForwarder.Limits(
          200, 64 * 1024, 100, 32 * 1024, Duration.ofMillis(20), Duration.ofMillis(200));

  private HttpServer server;
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicLong largestBody = new AtomicLong();
  private volatile CountDownLatch stall = new CountDownLatch(0);
  private LogForwarder forwarder;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/device/v1/" + UUID + "/logs", this::receive);
    server.start();
  }

  @AfterEach
  void stop() {
    stall.countDown();
    if (forwarder != null) {
      forwarder.close();
    }
    server.stop(0);
  }

  private void receive(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (InputStream body = exchange.getRequestBody()) {
      byte[] bytes = body.readAllBytes();
      largestBody.accumulateAndGet(bytes.length, Math::max);
      stall.await();
      JSON.readTree(bytes).forEach(received::add);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    exchange.sendResponseHeaders(204, -1);
    exchange.close();
  }

  private HttpDeviceApi deviceApi() {
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    AgentConfig config =
        new AgentConfig(
            1,
            "acme/fleet",
            "generic-amd64",
            null,
            UUID,
            "sld_" + "k".repeat(43),
            endpoint,
            endpoint,
            endpoint,
            null,
            Duration.ofMinutes(10),
            List.of());
    return HttpDeviceApi.create(config);
  }

  private LogForwarder start(LogForwarder.Limits limits) {
    forwarder = new LogForwarder(UUID, deviceApi(), limits, Clock.systemUTC());
    forwarder.start();
    return forwarder;
  }

  private static LogLine line(int number, int length) {
    String text = number + " " + "x".repeat(Math.max(0, length));
    return new LogLine(Instant.ofEpochMilli(1_700_000_000_000L + number), "web", text, false);
  }

  @Test
  void linesArriveInOrder() throws Exception {
    start(SMALL);

    for (int number = 0; number < 50; number++) {
      forwarder.accept(line(number, 10));
    }

    awaitReceived(50);
    assertThat(received.get(0).path("message").asString()).startsWith("0 ");
    assertThat(received.get(49).path("message").asString()).startsWith("49 ");
  }

  @Test
  void batchesStayWithinTheLineLimit() throws Exception {
    stall = new CountDownLatch(1);
    start(SMALL);
    for (int number = 0; number < 150; number++) {
      forwarder.accept(line(number, 10));
    }

    stall.countDown();

    awaitReceived(150);
    assertThat(requests.get()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void batchesStayWithinTheByteLimit() throws Exception {
    start(
        new LogForwarder.Limits(
            1_000, 1024 * 1024, 100, 32 * 1024, Duration.ofSeconds(5), Duration.ofMillis(200)));

    for (int number = 0; number < 60; number++) {
      forwarder.accept(line(number, 2_000));
    }

    awaitReceived(60);
    assertThat(largestBody.get()).isLessThanOrEqualTo(SMALL.batchBytes());
  }

  @Test
  void stalledServerKeepsTheQueueWithinItsLimit() throws Exception {
    stall = new CountDownLatch(1);
    start(SMALL);

    for (int number = 0; number < 20_000; number++) {
      forwarder.accept(line(number, 500));
    }

    assertThat(forwarder.maxQueuedBytes()).isLessThanOrEqualTo(SMALL.queuedBytes());
    assertThat(forwarder.dropped()).isGreaterThan(19_000);
  }

  @Test
  void droppedLinesAreCountedInOneLine() throws Exception {
    stall = new CountDownLatch(1);
    start(SMALL);
    for (int number = 0; number < 5_000; number++) {
      forwarder.accept(line(number, 500));
    }
    long dropped = forwarder.dropped();

    stall.countDown();
    forwarder.accept(line(5_000, 10));

    JsonNode notice = awaitMessageContaining("dropped");
    assertThat(notice.path("message").asString()).contains("dropped " + dropped + " log lines");
  }

  @Test
  void overLongMessageIsCut() throws Exception {
    start(SMALL);

    forwarder.accept(line(1, 20_000));

    awaitReceived(1);
    assertThat(received.get(0).path("message").asString()).hasSize(LogForwarder.MAX_MESSAGE_CHARS);
  }

  @Test
  void failedBatchIsRetried() throws Exception {
    server.removeContext("/device/v1/" + UUID + "/logs");
    AtomicInteger attempts = new AtomicInteger();
    server.createContext(
        "/device/v1/" + UUID + "/logs",
        exchange -> {
          if (attempts.incrementAndGet() == 1) {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
          }
          receive(exchange);
        });
    start(SMALL);

    forwarder.accept(line(1, 10));

    awaitReceived(1);
    assertThat(attempts.get()).isEqualTo(2);
  }

  @Test
  void limitsRejectZero() {
    assertThatThrownBy(
            () -> new LogForwarder.Limits(0, 1, 1, 1, Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queuedLines");
  }

  private void awaitReceived(int lines) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (received.size() < lines && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(received).hasSizeGreaterThanOrEqualTo(lines);
  }

  private JsonNode awaitMessageContaining(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      for (JsonNode line : received) {
        if (line.path("message").asString().contains(text)) {
          return line;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("No line containing '" + text + "' arrived: " + received.size());
  }
}
