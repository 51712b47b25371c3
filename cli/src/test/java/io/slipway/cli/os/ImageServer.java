package io.slipway.cli.os;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A small HTTP server on a free loopback port that sends one image for every request, optionally
 * breaking off or stalling after a number of bytes while announcing the full length, and records
 * the request URIs.
 */
final class ImageServer implements AutoCloseable {

  private final HttpServer server;
  private final List<String> uris = Collections.synchronizedList(new ArrayList<>());
  private final byte[] image;
  private final int sentBytes;
  private final boolean stall;
  private final CountDownLatch closed = new CountDownLatch(1);

  /**
   * @param image the bytes announced in Content-Length
   * @param sentBytes how many of them are sent before the connection is closed
   */
  ImageServer(byte[] image, int sentBytes) throws IOException {
    this(image, sentBytes, false);
  }

  private ImageServer(byte[] image, int sentBytes, boolean stall) throws IOException {
    this.image = image;
    this.sentBytes = sentBytes;
    this.stall = stall;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Returns a server that sends {@code sentBytes} and then nothing more until it is closed. */
  static ImageServer stalling(byte[] image, int sentBytes) throws IOException {
    return new ImageServer(image, sentBytes, true);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<String> uris() {
    return List.copyOf(uris);
  }

  private void handle(HttpExchange exchange) throws IOException {
    uris.add(exchange.getRequestURI().toString());
    exchange.getResponseHeaders().add("Content-Type", "application/zip");
    exchange.sendResponseHeaders(200, image.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(image, 0, sentBytes);
      if (stall) {
        out.flush();
        closed.await();
      } else if (sentBytes < image.length) {
        // Closing the exchange early makes the client see a body shorter than announced.
        exchange.getHttpContext().getServer().stop(0);
      }
    } catch (IOException e) {
      // The server stopped under the writer on purpose.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
  }
}
