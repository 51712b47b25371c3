package io.slipway.builder.engine.buildkit;

import io.slipway.builder.EngineException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal HTTP/1.1 client for the Docker engine API on its unix socket: one request per
 * connection, no body sent, the response body decoded from chunked or fixed-length framing. Enough
 * for the three image calls BuildKit builds need (pull, push, remove); not a general Docker client.
 *
 * <p>Thread-safe: every call opens its own connection.
 */
final class DockerSocket {

  /** Docker 20.10's API version, the oldest one the image calls are written for. */
  static final String API_VERSION = "v1.41";

  private final Path socket;

  DockerSocket(Path socket) {
    this.socket = socket;
  }

  Path socket() {
    return socket;
  }

  /**
   * Sends {@code method pathAndQuery} (without the version prefix) with {@code headers} and an
   * empty body and returns the response; the caller reads and closes its body.
   *
   * @throws EngineException when the engine cannot be reached or its response is malformed HTTP
   */
  Response send(String method, String pathAndQuery, Map<String, String> headers) {
    SocketChannel channel = null;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(socket));
      OutputStream out = Channels.newOutputStream(channel);
      StringBuilder request = new StringBuilder();
      request.append(method).append(' ').append('/').append(API_VERSION).append(pathAndQuery);
      request.append(" HTTP/1.1\r\nHost: docker\r\nConnection: close\r\nContent-Length: 0\r\n");
      headers.forEach(
          (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      request.append("\r\n");
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return Response.read(new BufferedInputStream(Channels.newInputStream(channel)), channel);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new EngineException(
          "Cannot reach the Docker engine at "
              + socket
              + " ("
              + method
              + " "
              + pathAndQuery.replaceAll("\\?.*", "")
              + "): "
              + e.getMessage()
              + "; check that dockerd runs and this process may open its socket",
          e);
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing left to release.
    }
  }

  /** A response whose body is read from the open connection; closing it closes the connection. */
  static final class Response implements AutoCloseable {

    private final int status;
    private final Map<String, String> headers;
    private final InputStream body;
    private final SocketChannel channel;

    private Response(
        int status, Map<String, String> headers, InputStream body, SocketChannel channel) {
      this.status = status;
      this.headers = headers;
      this.body = body;
      this.channel = channel;
    }

    static Response read(InputStream in, SocketChannel channel) throws IOException {
      String statusLine = readLine(in);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP response: '" + statusLine + "'");
      }
      int status;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IOException("malformed status line '" + statusLine + "'", e);
      }
      Map<String, String> headers = new TreeMap<>();
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).trim());
        }
      }
      return new Response(status, headers, body(in, headers), channel);
    }

    private static InputStream body(InputStream in, Map<String, String> headers) {
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        return new ChunkedInputStream(in);
      }
      String length = headers.get("content-length");
      if (length != null) {
        return new BoundedInputStream(in, Long.parseLong(length));
      }
      return in;
    }

    int status() {
      return status;
    }

    InputStream body() {
      return body;
    }

    /** Reads the whole body as UTF-8 text; for short responses such as errors. */
    String text() throws IOException {
      return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public void close() {
      closeQuietly(channel);
    }
  }

  /** Reads one CRLF- or LF-terminated line of ASCII, without its terminator. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (line.size() > 64 * 1024) {
        throw new IOException("HTTP header line longer than 64 KiB");
      }
      line.write(b);
    }
    if (b < 0 && line.size() == 0) {
      throw new IOException("connection closed before the response ended");
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /** Decodes HTTP/1.1 chunked transfer coding; ends at the last chunk. */
  static final class ChunkedInputStream extends InputStream {

    private final InputStream in;
    private long remaining;
    private boolean done;

    ChunkedInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int read = read(one, 0, 1);
      return read < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (done) {
        return -1;
      }
      if (remaining == 0) {
        String size = readLine(in).split(";", 2)[0].trim();
        remaining = Long.parseLong(size, 16);
        if (remaining == 0) {
          done = true;
          return -1;
        }
      }
      int read = in.read(buffer, offset, (int) Math.min(length, remaining));
      if (read < 0) {
        throw new IOException("connection closed inside a chunk");
      }
      remaining -= read;
      if (remaining == 0) {
        readLine(in);
      }
      return read;
    }
  }

  /** Ends after a fixed number of bytes. */
  static final class BoundedInputStream extends InputStream {

    private final InputStream in;
    private long remaining;

    BoundedInputStream(InputStream in, long length) {
      this.in = in;
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int read = in.read(buffer, offset, (int) Math.min(length, remaining));
      if (read > 0) {
        remaining -= read;
      }
      return read;
    }
  }
}
