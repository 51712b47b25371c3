package io.slipway.agent.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.delta.image.Digest;
import io.slipway.testing.net.CuttingProxy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downloader against a JDK HTTP server that replaces the delta endpoint and the registry: it
 * can ignore ranges, fail, stall and send wrong bytes, which the real servers cannot be made to do
 * on request. Cuts go through the loopback {@link CuttingProxy}.
 */
class HttpDownloaderTest {

  private static final int SIZE = 1024 * 1024;
  private static final String PATH = "/blobs/one";
  private static final HttpDownloader.Settings FAST =
      new HttpDownloader.Settings(
          3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(1));

  @TempDir Path directory;

  private final byte[] blob = new byte[SIZE];
  private final Digest digest;
  private final List<Long> progress = new CopyOnWriteArrayList<>();
  private final HttpDownloader downloader =
      new HttpDownloader(HttpDeviceApi.newClient(Duration.ofSeconds(5)), FAST);
  private StubServer server;
  private Path file;

  HttpDownloaderTest() {
    new Random(7).nextBytes(blob);
    digest = Digest.of(blob);
  }

  @BeforeEach
  void start() throws IOException {
    server = new StubServer();
    server.on(PATH, (exchange, body) -> serveRange(exchange, blob));
    file = directory.resolve("blob.part");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void fetchDownloadsWholeBlob() throws Exception {
    fetch(server.uri());

    assertThat(Files.readAllBytes(file)).isEqualTo(blob);
    assertThat(progress).last().isEqualTo((long) SIZE);
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void fetchSendsAuthorization() throws Exception {
    downloader.fetch(
        server.uri().resolve(PATH), () -> "Bearer token", file, SIZE, digest, progress::add);

    assertThat(server.last().header("Authorization")).isEqualTo("Bearer token");
  }

  @Test
  void cutDownloadResumesWithRange() throws Exception {
    try (CuttingProxy proxy = CuttingProxy.start(server.port())) {
      proxy.cutAfter(PATH, 300_000, 1);

      fetch(proxy.uri());

      assertThat(Files.readAllBytes(file)).isEqualTo(blob);
      assertThat(proxy.cuts()).isEqualTo(1);
      assertThat(server.requests).hasSize(2);
      assertThat(server.requests.get(1).header("Range")).matches("bytes=\\d+-");
      assertThat(proxy.bytesToClient()).isLessThan(SIZE + 300_000L);
    }
  }

  @Test
  void repeatedCutsWithProgressStillFinish() throws Exception {
    try (CuttingProxy proxy = CuttingProxy.start(server.port())) {
      // More cuts than attempts allowed without progress: each one still brings new bytes.
      proxy.cutAfter(PATH, 150_000, 6);

      fetch(proxy.uri());

      assertThat(Files.readAllBytes(file)).isEqualTo(blob);
      assertThat(proxy.cuts()).isEqualTo(6);
    }
  }

  @Test
  void partialFileFromEarlierRunIsResumed() throws Exception {
    Files.write(file, Arrays.copyOf(blob, 100_000));

    fetch(server.uri());

    assertThat(Files.readAllBytes(file)).isEqualTo(blob);
    assertThat(server.last().header("Range")).isEqualTo("bytes=100000-");
    assertThat(progress.get(0)).isGreaterThan(100_000L);
  }

  @Test
  void serverIgnoringRangeRestartsFile() throws Exception {
    server.on(PATH, (exchange, body) -> serveWhole(exchange, blob));
    Files.write(file, Arrays.copyOf(blob, 100_000));

    fetch(server.uri());

    assertThat(Files.readAllBytes(file)).isEqualTo(blob);
  }

  @Test
  void completeLeftoverIsNotDownloadedAgain() throws Exception {
    Files.write(file, blob);

    fetch(server.uri());

    assertThat(server.requests).isEmpty();
  }

  @Test
  void corruptLeftoverIsDownloadedAgain() throws Exception {
    byte[] corrupt = blob.clone();
    corrupt[5] ^= 1;
    Files.write(file, corrupt);

    fetch(server.uri());

    assertThat(Files.readAllBytes(file)).isEqualTo(blob);
  }

  @Test
  void wrongDigestDeletesFile() {
    byte[] tampered = blob.clone();
    tampered[SIZE / 2] ^= 1;
    server.on(PATH, (exchange, body) -> serveRange(exchange, tampered));

    assertThatThrownBy(() -> fetch(server.uri()))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("not the expected " + digest)
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.VERIFICATION_FAILED);
    assertThat(file).doesNotExist();
  }

  @Test
  void longerBodyFailsAndDeletesFile() {
    byte[] longer = Arrays.copyOf(blob, SIZE + 10);
    server.on(PATH, (exchange, body) -> serveRange(exchange, longer));

    assertThatThrownBy(() -> fetch(server.uri()))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("more than the expected")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.VERIFICATION_FAILED);
    assertThat(file).doesNotExist();
  }

  @Test
  void serverErrorIsRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    server.on(
        PATH,
        (exchange, body) -> {
          if (calls.incrementAndGet() == 1) {
            StubServer.send(exchange, 503, "{\"code\":\"UNAVAILABLE\",\"message\":\"busy\"}");
            return;
          }
          serveRange(exchange, blob);
        });

    fetch(server.uri());

    assertThat(Files.readAllBytes(file)).isEqualTo(blob);
    assertThat(calls).hasValue(2);
  }

  @Test
  void persistentFailureKeepsPartialFile() throws IOException {
    server.answer(PATH, 503, "{\"code\":\"UNAVAILABLE\",\"message\":\"busy\"}");
    Files.write(file, Arrays.copyOf(blob, 1000));

    assertThatThrownBy(() -> fetch(server.uri()))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("failed 3 times without progress")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.DOWNLOAD_FAILED);
    assertThat(file).hasSize(1000);
  }

  @Test
  void unauthorizedFailsAtOnce() {
    server.answer(PATH, 401, "{\"code\":\"UNAUTHORIZED\",\"message\":\"bad token\"}");

    assertThatThrownBy(() -> fetch(server.uri()))
        .isInstanceOf(AgentException.class)
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.UNAUTHORIZED);
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void missingObjectFailsAtOnce() {
    server.answer(PATH, 404, "{\"code\":\"BLOB_UNKNOWN\",\"message\":\"no such blob\"}");

    assertThatThrownBy(() -> fetch(server.uri()))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("BLOB_UNKNOWN")
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.DOWNLOAD_FAILED);
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void stalledBodyIsRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    server.on(
        PATH,
        (exchange, body) -> {
          if (calls.incrementAndGet() == 1) {
            stallAfterHalf(exchange);
            return;
          }
          serveRange(exchange, blob);
        });

    fetch(server.uri());

    assertThat(Files.readAllBytes(file)).isEqualTo(blob);
    assertThat(server.last().header("Range")).isNotNull();
  }

  @Test
  void emptyObjectIsWritten() throws Exception {
    Digest empty = Digest.of(new byte[0]);

    downloader.fetch(server.uri().resolve("/absent"), null, file, 0, empty, progress::add);

    assertThat(file).isEmptyFile();
    assertThat(server.requests).isEmpty();
  }

  private void fetch(URI base) throws InterruptedException {
    downloader.fetch(base.resolve(PATH), null, file, SIZE, digest, progress::add);
  }

  /** Sends the requested byte range, as the delta endpoint and registries do. */
  private static void serveRange(HttpExchange exchange, byte[] content) throws IOException {
    String range = exchange.getRequestHeaders().getFirst("Range");
    if (range == null) {
      serveWhole(exchange, content);
      return;
    }
    int first = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
    exchange
        .getResponseHeaders()
        .set("Content-Range", "bytes " + first + "-" + (content.length - 1) + "/" + content.length);
    exchange.sendResponseHeaders(206, content.length - first);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(content, first, content.length - first);
    }
  }

  private static void serveWhole(HttpExchange exchange, byte[] content) throws IOException {
    exchange.sendResponseHeaders(200, content.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(content);
    }
  }

  /** Sends half the body, then nothing for longer than the downloader's timeout. */
  private void stallAfterHalf(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, blob.length);
    OutputStream out = exchange.getResponseBody();
    out.write(blob, 0, blob.length / 2);
    out.flush();
    try {
      Thread.sleep(3_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    exchange.close();
  }
}
