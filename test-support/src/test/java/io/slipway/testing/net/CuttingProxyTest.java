package io.slipway.testing.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CuttingProxyTest {

  private static final int BODY_SIZE = 256 * 1024;

  private final byte[] body = new byte[BODY_SIZE];
  private final HttpClient client = HttpClient.newBuilder().build();
  private HttpServer server;
  private CuttingProxy proxy;

  @BeforeEach
  void startServerAndProxy() throws IOException {
    Arrays.fill(body, (byte) 'x');
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    proxy = CuttingProxy.start(server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    proxy.close();
    server.stop(0);
  }

  @Test
  void relaysWholeResponse() throws Exception {
    HttpResponse<byte[]> response = get("/blob");

    assertThat(response.body()).hasSize(BODY_SIZE);
    assertThat(proxy.bytesToClient()).isGreaterThan(BODY_SIZE);
    assertThat(proxy.bytesToServer()).isPositive();
    assertThat(proxy.connections()).isEqualTo(1);
    assertThat(proxy.cuts()).isZero();
  }

  @Test
  void cutEndsResponseAfterGivenBytes() {
    proxy.cutAfter(100_000);

    assertThatThrownBy(() -> get("/blob")).isInstanceOf(IOException.class);

    assertThat(proxy.bytesToClient()).isEqualTo(100_000);
    assertThat(proxy.cuts()).isEqualTo(1);
  }

  @Test
  void cutFiresOnlyOnce() throws Exception {
    proxy.cutAfter(1_000);
    assertThatThrownBy(() -> get("/blob")).isInstanceOf(IOException.class);

    HttpResponse<byte[]> retry = get("/blob");

    assertThat(retry.body()).hasSize(BODY_SIZE);
    assertThat(proxy.cuts()).isEqualTo(1);
  }

  @Test
  void cutWaitsForMatchingRequest() throws Exception {
    proxy.cutAfter("/payloads/", 5_000, 2);

    HttpResponse<byte[]> other = get("/state");
    assertThatThrownBy(() -> get("/payloads/one")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get("/payloads/two")).isInstanceOf(IOException.class);
    HttpResponse<byte[]> third = get("/payloads/three");

    assertThat(other.body()).hasSize(BODY_SIZE);
    assertThat(third.body()).hasSize(BODY_SIZE);
    assertThat(proxy.cuts()).isEqualTo(2);
  }

  @Test
  void cancelledCutDoesNotFire() throws Exception {
    proxy.cutAfter(1_000);
    proxy.cancelCut();

    assertThat(get("/blob").body()).hasSize(BODY_SIZE);
  }

  @Test
  void throttleSlowsResponses() throws Exception {
    proxy.throttle(1024 * 1024);
    long started = System.nanoTime();

    get("/blob");

    // A quarter MiB at one MiB per second takes at least a quarter second, whatever the machine.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(200));
  }

  @Test
  void resetCountsSetsCountersToZero() throws Exception {
    get("/blob");

    proxy.resetCounts();

    assertThat(proxy.bytesToClient()).isZero();
    assertThat(proxy.bytesToServer()).isZero();
    assertThat(proxy.connections()).isZero();
  }

  @Test
  void rejectsTargetOffLoopback() {
    InetSocketAddress elsewhere = new InetSocketAddress("192.0.2.1", 80);

    assertThatThrownBy(() -> CuttingProxy.start(elsewhere))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("192.0.2.1");
  }

  private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    URI uri = proxy.uri().resolve(path);
    return client.send(
        HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
