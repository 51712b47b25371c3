package io.slipway.agent.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 in front of a broker, so that a test can restart the broker on another
 * port while the client keeps one URL, and can count the connections a client opens. With no target
 * it accepts and closes at once. Thread-safe.
 */
final class BrokerRelay implements AutoCloseable {

  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile int targetPort;

  private BrokerRelay(ServerSocket server, int targetPort) {
    this.server = server;
    this.targetPort = targetPort;
  }

  /** Listens on a free port and relays to {@code targetPort}, or to nothing when it is -1. */
  static BrokerRelay start(int targetPort) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    BrokerRelay relay = new BrokerRelay(server, targetPort);
    daemon(relay::acceptLoop);
    return relay;
  }

  int port() {
    return server.getLocalPort();
  }

  /** Returns how many connections clients opened to the relay so far. */
  int connections() {
    return connections.get();
  }

  /** Relays later connections to {@code port}. */
  void target(int port) {
    targetPort = port;
  }

  /** Drops every open connection, as a broker that stops does. */
  void cutAll() {
    sockets.forEach(BrokerRelay::closeQuietly);
    sockets.clear();
  }

  @Override
  public void close() throws IOException {
    server.close();
    cutAll();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        relay(client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void relay(Socket client) {
    int port = targetPort;
    if (port < 0) {
      closeQuietly(client);
      return;
    }
    try {
      Socket broker = new Socket();
      broker.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      sockets.add(client);
      sockets.add(broker);
      daemon(() -> pump(client, broker));
      daemon(() -> pump(broker, client));
    } catch (IOException e) {
      // The broker is down: the client sees its connection closed, as without a relay.
      closeQuietly(client);
    }
  }

  private static void pump(Socket from, Socket to) {
    byte[] buffer = new byte[8192];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int count;
      while ((count = in.read(buffer)) >= 0) {
        out.write(buffer, 0, count);
        out.flush();
      }
    } catch (IOException e) {
      // One side closed; closing both below ends the other pump too.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing is all that is left to do.
    }
  }

  private static void daemon(Runnable task) {
    Thread thread = new Thread(task, "broker-relay");
    thread.setDaemon(true);
    thread.start();
  }
}
