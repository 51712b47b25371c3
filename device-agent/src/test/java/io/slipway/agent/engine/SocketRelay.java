package io.slipway.agent.engine;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A unix socket that relays every connection to another unix socket, so a test can make an engine
 * appear and disappear for a client that is already running. Closing it drops every connection.
 */
final class SocketRelay implements AutoCloseable {

  private final ServerSocketChannel server;
  private final Path target;
  private final List<SocketChannel> channels = new CopyOnWriteArrayList<>();

  private SocketRelay(ServerSocketChannel server, Path target) {
    this.server = server;
    this.target = target;
  }

  /** Listens on {@code socket} (deleted first when left over) and relays to {@code target}. */
  static SocketRelay start(Path socket, Path target) throws IOException {
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    SocketRelay relay = new SocketRelay(server, target);
    daemon(relay::acceptLoop);
    return relay;
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(target));
        channels.add(client);
        channels.add(engine);
        daemon(() -> pump(client, engine));
        daemon(() -> pump(engine, client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pump(SocketChannel from, SocketChannel to) {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // The other side or close() ended the connection.
    }
  }

  private static void daemon(Runnable task) {
    Thread thread = new Thread(task, "socket-relay");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel channel : channels) {
      channel.close();
    }
  }
}
