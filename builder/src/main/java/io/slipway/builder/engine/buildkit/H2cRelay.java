package io.slipway.builder.engine.buildkit;

import io.slipway.builder.EngineException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback TCP relay to the BuildKit embedded in a Docker engine. The engine serves BuildKit's
 * gRPC API on its unix socket only after an HTTP/1.1 {@code POST /grpc} with {@code Upgrade: h2c};
 * gRPC clients cannot perform that upgrade. So for each connection accepted on 127.0.0.1 the relay
 * opens the engine socket, performs the upgrade, and then copies bytes both ways unchanged: the
 * gRPC client speaks HTTP/2 with prior knowledge to the relay as if it were the engine.
 *
 * <p>Bound to 127.0.0.1 on a free port. Every accepted connection is served on its own two threads
 * until either side closes. Thread-safe; {@link #close} stops accepting and closes every relayed
 * connection.
 */
public final class H2cRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(H2cRelay.class);

  /** Largest upgrade response accepted, in bytes; the engine sends a few short headers. */
  private static final int MAX_RESPONSE_HEAD = 16 * 1024;

  private static final int BUFFER_BYTES = 64 * 1024;

  private final Path engineSocket;
  private final ServerSocket listener;
  private final ExecutorService threads;
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private H2cRelay(Path engineSocket, ServerSocket listener) {
    this.engineSocket = engineSocket;
    this.listener = listener;
    AtomicInteger counter = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "h2c-relay-" + counter.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts a relay to the engine listening on {@code engineSocket}, such as {@code
   * /var/run/docker.sock}. The socket is first opened when a client connects.
   *
   * @throws EngineException when no loopback port can be bound
   */
  public static H2cRelay start(Path engineSocket) {
    try {
      ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      H2cRelay relay = new H2cRelay(engineSocket, listener);
      relay.threads.execute(relay::acceptLoop);
      log.info(
          "BuildKit relay listening on {} for engine socket {}", relay.address(), engineSocket);
      return relay;
    } catch (IOException e) {
      throw new EngineException("Cannot bind a loopback port for the BuildKit relay: " + e, e);
    }
  }

  /** Returns the loopback address that gRPC clients connect to. */
  public InetSocketAddress address() {
    return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        open.add(client);
        threads.execute(() -> relay(client));
      } catch (IOException e) {
        if (!closed) {
          log.warn(
              "BuildKit relay on {} failed to accept a connection: {}", address(), e.toString());
        }
      }
    }
  }

  private void relay(Socket client) {
    SocketChannel engine = null;
    try {
      engine = SocketChannel.open(StandardProtocolFamily.UNIX);
      open.add(engine);
      engine.connect(UnixDomainSocketAddress.of(engineSocket));
      InputStream fromEngine = new ChannelInput(engine);
      OutputStream toEngine = new ChannelOutput(engine);
      OutputStream toClient = client.getOutputStream();

      byte[] early = upgrade(fromEngine, toEngine);
      toClient.write(early);
      toClient.flush();

      SocketChannel engineChannel = engine;
      AtomicInteger directions = new AtomicInteger(2);
      threads.execute(
          () ->
              copy(
                  fromEngine, toClient, client::shutdownOutput, directions, client, engineChannel));
      copy(
          client.getInputStream(),
          toEngine,
          engineChannel::shutdownOutput,
          directions,
          client,
          engineChannel);
    } catch (IOException | EngineException e) {
      if (!closed) {
        log.warn("BuildKit relay connection to {} failed: {}", engineSocket, e.getMessage());
      }
      closeQuietly(client, engine);
    }
  }

  /**
   * Sends the upgrade request and reads the response head. Returns the bytes that followed the head
   * in the same reads: they already belong to the HTTP/2 stream.
   */
  private byte[] upgrade(InputStream fromEngine, OutputStream toEngine) throws IOException {
    String request =
        "POST /grpc HTTP/1.1\r\n"
            + "Host: docker\r\n"
            + "Connection: Upgrade\r\n"
            + "Upgrade: h2c\r\n"
            + "Content-Length: 0\r\n"
            + "\r\n";
    toEngine.write(request.getBytes(StandardCharsets.US_ASCII));
    toEngine.flush();

    ByteArrayOutputStream head = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    while (true) {
      int read = fromEngine.read(buffer);
      if (read < 0) {
        throw new EngineException(
            "Docker engine at " + engineSocket + " closed the connection during the h2c upgrade");
      }
      head.write(buffer, 0, read);
      byte[] bytes = head.toByteArray();
      int end = headEnd(bytes);
      if (end >= 0) {
        checkSwitched(new String(bytes, 0, end, StandardCharsets.ISO_8859_1));
        byte[] rest = new byte[bytes.length - end];
        System.arraycopy(bytes, end, rest, 0, rest.length);
        return rest;
      }
      if (bytes.length > MAX_RESPONSE_HEAD) {
        throw new EngineException(
            "Docker engine at " + engineSocket + " sent an upgrade response head over 16 KiB");
      }
    }
  }

  /** Returns the index just past the blank line that ends an HTTP head, or -1. */
  static int headEnd(byte[] bytes) {
    for (int i = 3; i < bytes.length; i++) {
      if (bytes[i - 3] == '\r'
          && bytes[i - 2] == '\n'
          && bytes[i - 1] == '\r'
          && bytes[i] == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  private void checkSwitched(String head) {
    String status = head.lines().findFirst().orElse("");
    if (!status.startsWith("HTTP/1.1 101")) {
      throw new EngineException(
          "Docker engine at "
              + engineSocket
              + " refused the BuildKit h2c upgrade with '"
              + status
              + "'; the engine needs API 1.31 or newer with BuildKit enabled");
    }
  }

  /**
   * Copies one direction until its end, then half-closes the receiving side so the peer reads the
   * end too. The connection closes when both directions have ended or either fails.
   */
  private void copy(
      InputStream in,
      OutputStream out,
      HalfClose halfClose,
      AtomicInteger directions,
      Socket client,
      SocketChannel engine) {
    byte[] buffer = new byte[BUFFER_BYTES];
    try {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        out.flush();
      }
      halfClose.run();
      if (directions.decrementAndGet() == 0) {
        closeQuietly(client, engine);
      }
    } catch (IOException e) {
      // One side went away; closing both ends the other direction too.
      closeQuietly(client, engine);
    }
  }

  /**
   * Reads from a socket channel. Unlike {@code Channels.newInputStream}, it takes no lock that
   * writes also take, so one thread can block in a read while another writes.
   */
  private static final class ChannelInput extends InputStream {

    private final SocketChannel channel;

    ChannelInput(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int read = read(one, 0, 1);
      return read < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      return channel.read(ByteBuffer.wrap(buffer, offset, length));
    }
  }

  /** Writes to a socket channel without the lock that reads through {@code Channels} hold. */
  private static final class ChannelOutput extends OutputStream {

    private final SocketChannel channel;

    ChannelOutput(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
  }

  @FunctionalInterface
  private interface HalfClose {
    void run() throws IOException;
  }

  private void closeQuietly(Socket client, SocketChannel engine) {
    for (AutoCloseable closeable : new AutoCloseable[] {client, engine}) {
      if (closeable == null) {
        continue;
      }
      open.remove(closeable);
      try {
        closeable.close();
      } catch (Exception e) {
        // Already closed by the peer.
      }
    }
  }

  /** Stops accepting connections and closes every relayed connection. Idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      log.warn("BuildKit relay on {} did not close cleanly: {}", address(), e.toString());
    }
    for (AutoCloseable connection : open) {
      try {
        connection.close();
      } catch (Exception e) {
        // Closing a dead connection.
      }
    }
    open.clear();
    threads.shutdownNow();
  }
}
