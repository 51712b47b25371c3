package io.slipway.testing.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback TCP proxy for tests of downloads over bad networks. It listens on a free port of
 * 127.0.0.1 and relays every connection to one target on the loopback interface. On request it cuts
 * a connection after a number of response bytes, as a dropped mobile link would, slows responses to
 * a rate, and counts the bytes that pass in each direction.
 *
 * <p>Cuts follow HTTP/1.1 in plain text: the proxy watches the request lines the client sends and
 * arms a cut for the response to the first request that matches. The response's bytes are counted
 * from that request on, status line and headers included. When the count reaches the limit, the
 * proxy forwards exactly that many bytes and then closes both sides cleanly, so the client reads a
 * response that ends early. Other connections are not touched.
 *
 * <p>Thread-safe: tests may change the settings and read the counters while connections run.
 */
public final class CuttingProxy implements AutoCloseable {

  private static final int BUFFER_SIZE = 16 * 1024;

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final ExecutorService threads = Executors.newCachedThreadPool(CuttingProxy::daemon);
  private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
  private final AtomicReference<CutRule> pendingCut = new AtomicReference<>();
  private final AtomicLong bytesPerSecond = new AtomicLong();
  private final AtomicLong bytesToServer = new AtomicLong();
  private final AtomicLong bytesToClient = new AtomicLong();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private volatile boolean closed;

  private CuttingProxy(ServerSocket listener, InetSocketAddress target) {
    this.listener = listener;
    this.target = target;
  }

  /**
   * Starts a proxy to {@code 127.0.0.1:targetPort}.
   *
   * @throws UncheckedIOException when no port can be bound
   */
  public static CuttingProxy start(int targetPort) {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
  }

  /**
   * Starts a proxy to {@code target}, which must be a loopback address: tests never relay traffic
   * to another host.
   *
   * @throws IllegalArgumentException when {@code target} is not a loopback address
   * @throws UncheckedIOException when no port can be bound
   */
  public static CuttingProxy start(InetSocketAddress target) {
    if (target.getAddress() == null || !target.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "Proxy target " + target + " is not a loopback address: use 127.0.0.1");
    }
    try {
      ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      CuttingProxy proxy = new CuttingProxy(listener, target);
      proxy.threads.execute(proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not bind a loopback port for the proxy", e);
    }
  }

  /** Returns the port the proxy listens on, on 127.0.0.1. */
  public int port() {
    return listener.getLocalPort();
  }

  /** Returns {@code http://127.0.0.1:PORT}, the proxy's base URL. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /**
   * Cuts the response to the next request, whatever its path, after {@code bytes} bytes. Replaces a
   * cut that has not fired yet.
   */
  public void cutAfter(long bytes) {
    cutAfter(null, bytes, 1);
  }

  /**
   * Cuts the responses to the next {@code times} requests whose request line contains {@code
   * requestContains} (such as a path fragment, or null for any request), each after {@code bytes}
   * bytes. Replaces a cut that has not fired yet.
   *
   * @throws IllegalArgumentException when {@code bytes} is negative or {@code times} is not
   *     positive
   */
  public void cutAfter(String requestContains, long bytes, int times) {
    pendingCut.set(new CutRule(requestContains, bytes, new AtomicInteger(times)));
  }

  /** Cancels a cut that has not fired yet; connections being cut now are cut all the same. */
  public void cancelCut() {
    pendingCut.set(null);
  }

  /**
   * Limits the rate of each connection's response bytes to {@code rate} bytes per second; 0 removes
   * the limit. Applies to connections already open.
   *
   * @throws IllegalArgumentException when {@code rate} is negative
   */
  public void throttle(long rate) {
    if (rate < 0) {
      throw new IllegalArgumentException("Throttle rate " + rate + " is negative: use 0 for none");
    }
    bytesPerSecond.set(rate);
  }

  /** Returns the bytes relayed from clients to the target since start or the last reset. */
  public long bytesToServer() {
    return bytesToServer.get();
  }

  /** Returns the bytes relayed from the target to clients since start or the last reset. */
  public long bytesToClient() {
    return bytesToClient.get();
  }

  /** Returns the connections accepted since start or the last reset. */
  public int connections() {
    return connections.get();
  }

  /** Returns the connections cut since start or the last reset. */
  public int cuts() {
    return cuts.get();
  }

  /** Sets every counter to zero. */
  public void resetCounts() {
    bytesToServer.set(0);
    bytesToClient.set(0);
    connections.set(0);
    cuts.set(0);
  }

  /** Stops listening and closes every open connection; idempotent. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    openSockets.forEach(CuttingProxy::closeQuietly);
    threads.shutdownNow();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        connections.incrementAndGet();
        threads.execute(() -> relay(client));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("CuttingProxy: accept failed: " + e);
        }
        return;
      }
    }
  }

  private void relay(Socket client) {
    openSockets.add(client);
    Socket server = new Socket();
    openSockets.add(server);
    try {
      server.connect(target, 10_000);
    } catch (IOException e) {
      // The client sees the closed connection, as it would with the target down.
      closeBoth(client, server);
      return;
    }
    Connection connection = new Connection(client, server);
    threads.execute(connection::pumpRequests);
    connection.pumpResponses();
  }

  private void closeBoth(Socket client, Socket server) {
    closeQuietly(client);
    closeQuietly(server);
    openSockets.remove(client);
    openSockets.remove(server);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing after a cut or a peer's close may fail; the connection is gone either way.
    }
  }

  private static Thread daemon(Runnable runnable) {
    Thread thread = new Thread(runnable, "cutting-proxy");
    thread.setDaemon(true);
    return thread;
  }

  /** A cut waiting for a matching request, fired at most {@code remaining} times. */
  private record CutRule(String requestContains, long bytes, AtomicInteger remaining) {

    CutRule {
      if (bytes < 0) {
        throw new IllegalArgumentException("Cut after " + bytes + " bytes is negative");
      }
      if (remaining.get() < 1) {
        throw new IllegalArgumentException("Cut count " + remaining + " must be at least 1");
      }
    }

    boolean matches(String requestLine) {
      return requestContains == null || requestLine.contains(requestContains);
    }

    /** Takes one firing; false when another connection took the last one. */
    boolean claim() {
      return remaining.getAndDecrement() > 0;
    }
  }

  /** One relayed connection: a thread per direction. */
  private final class Connection {

    /** Response bytes still to forward before the cut, or -1 while no cut is armed. */
    private final AtomicLong budget = new AtomicLong(-1);

    private final Socket client;
    private final Socket server;
    private final RequestLines requestLines = new RequestLines();

    Connection(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void pumpRequests() {
      byte[] buffer = new byte[BUFFER_SIZE];
      try (InputStream in = client.getInputStream();
          OutputStream out = server.getOutputStream()) {
        int read;
        while ((read = in.read(buffer)) > 0) {
          armOnRequest(buffer, read);
          out.write(buffer, 0, read);
          out.flush();
          bytesToServer.addAndGet(read);
        }
        server.shutdownOutput();
      } catch (IOException e) {
        closeBoth(client, server);
      }
    }

    void pumpResponses() {
      byte[] buffer = new byte[BUFFER_SIZE];
      try (InputStream in = server.getInputStream();
          OutputStream out = client.getOutputStream()) {
        int read;
        while ((read = in.read(buffer, 0, chunkSize())) > 0) {
          int allowed = allowedOf(read);
          out.write(buffer, 0, allowed);
          out.flush();
          bytesToClient.addAndGet(allowed);
          if (allowed < read || budget.get() == 0) {
            cut();
            return;
          }
          pace(allowed);
        }
        client.shutdownOutput();
      } catch (IOException e) {
        // A peer or the proxy closed the connection, so the other direction fails too.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeBoth(client, server);
      }
    }

    private void armOnRequest(byte[] buffer, int length) {
      for (String line : requestLines.feed(buffer, length)) {
        CutRule rule = pendingCut.get();
        if (rule != null && rule.matches(line) && rule.claim()) {
          budget.set(rule.bytes());
          if (rule.remaining().get() <= 0) {
            pendingCut.compareAndSet(rule, null);
          }
        }
      }
    }

    /** Returns how many of {@code read} bytes may pass before an armed cut. */
    private int allowedOf(int read) {
      long left = budget.get();
      if (left < 0) {
        return read;
      }
      int allowed = (int) Math.min(read, left);
      budget.addAndGet(-allowed);
      return allowed;
    }

    private void cut() throws IOException {
      cuts.incrementAndGet();
      client.shutdownOutput();
    }

    /** Reads smaller chunks under a throttle, so that bytes flow smoothly, not in bursts. */
    private int chunkSize() {
      long rate = bytesPerSecond.get();
      if (rate == 0) {
        return BUFFER_SIZE;
      }
      return (int) Math.max(1, Math.min(BUFFER_SIZE, rate / 20));
    }

    /**
     * Sleeps as long as {@code bytes} take at the throttled rate; the rate is thus an upper bound.
     */
    private void pace(int bytes) throws InterruptedException {
      long rate = bytesPerSecond.get();
      if (rate == 0) {
        return;
      }
      long nanos = bytes * 1_000_000_000L / rate;
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
  }
}
