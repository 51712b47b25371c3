package io.slipway.builder.engine.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2cRelayTest {

  @TempDir Path temp;

  private ServerSocketChannel engine;
  private H2cRelay relay;

  @AfterEach
  void stop() throws IOException {
    if (relay != null) {
      relay.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void sendsTheUpgradeRequestToTheEngineSocket() throws Exception {
    CompletableFuture<String> head =
        fakeEngine(
            "HTTP/1.1 101 Switching Protocols\r\n" + "Connection: Upgrade\r\nUpgrade: h2c\r\n\r\n");

    try (Socket client = connect()) {
      client.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));

      assertThat(head.get(10, TimeUnit.SECONDS))
          .startsWith("POST /grpc HTTP/1.1\r\n")
          .contains("Connection: Upgrade\r\n", "Upgrade: h2c\r\n", "Content-Length: 0\r\n");
    }
  }

  @Test
  void copiesBytesBothWaysAfterTheUpgrade() throws Exception {
    fakeEngine("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\nhello ");

    try (Socket client = connect()) {
      client.getOutputStream().write("PRI * HTTP/2.0".getBytes(StandardCharsets.US_ASCII));
      client.shutdownOutput();

      String received = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(received).isEqualTo("hello echo:PRI * HTTP/2.0");
    }
  }

  @Test
  void rejectedUpgradeClosesClient() throws Exception {
    fakeEngine("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

    try (Socket client = connect()) {
      client.setSoTimeout(10_000);

      assertThat(client.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void findsTheEndOfAnHttpHead() {
    byte[] bytes = "HTTP/1.1 101 OK\r\nA: b\r\n\r\nrest".getBytes(StandardCharsets.US_ASCII);

    assertThat(H2cRelay.headEnd(bytes)).isEqualTo(bytes.length - 4);
  }

  private Socket connect() throws IOException {
    relay = H2cRelay.start(temp.resolve("engine.sock"));
    return new Socket(relay.address().getAddress(), relay.address().getPort());
  }

  /**
   * Serves one connection on a unix socket: reads the request head, writes {@code response}, then
   * echoes what it receives prefixed with {@code echo:}. Completes with the request head.
   */
  private CompletableFuture<String> fakeEngine(String response) throws IOException {
    engine = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    engine.bind(UnixDomainSocketAddress.of(temp.resolve("engine.sock")));
    CompletableFuture<String> head = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try (SocketChannel connection = engine.accept()) {
                InputStream in = Channels.newInputStream(connection);
                OutputStream out = Channels.newOutputStream(connection);
                head.complete(readHead(in));
                out.write(response.getBytes(StandardCharsets.US_ASCII));
                if (!response.startsWith("HTTP/1.1 101")) {
                  return;
                }
                out.write("echo:".getBytes(StandardCharsets.US_ASCII));
                in.transferTo(out);
              } catch (IOException e) {
                head.completeExceptionally(e);
              }
            });
    thread.setDaemon(true);
    thread.start();
    return head;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (H2cRelay.headEnd(head.toByteArray()) < 0) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
