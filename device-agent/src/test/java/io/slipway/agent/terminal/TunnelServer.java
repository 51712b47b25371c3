package io.slipway.agent.terminal;

import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * A real WebSocket server on 127.0.0.1 playing the server's side of a terminal tunnel at {@code
 * /device/v1/{uuid}/terminals/{tunnel}}: it records the handshake's headers and every frame the
 * device sends, and sends frames as the user would. Thread-safe.
 */
final class TunnelServer implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final Tomcat tomcat;
  private final int port;
  final Map<String, String> headers = new ConcurrentHashMap<>();
  final StringBuffer output = new StringBuffer();
  final List<String> texts = new CopyOnWriteArrayList<>();
  private volatile Session session;
  private volatile boolean closed;

  private TunnelServer(Tomcat tomcat) {
    this.tomcat = tomcat;
    this.port = tomcat.getConnector().getLocalPort();
  }

  static TunnelServer start(Path baseDirectory) throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDirectory.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", baseDirectory.toString());
    context.addServletContainerInitializer(new WsSci(), null);
    // Tomcat runs filters, the WebSocket upgrade filter included, only for a mapped servlet.
    Tomcat.addServlet(context, "default", new HttpServlet() {});
    context.addServletMappingDecoded("/", "default");
    tomcat.start();
    TunnelServer server = new TunnelServer(tomcat);
    ServerContainer container =
        (ServerContainer) context.getServletContext().getAttribute(ServerContainer.class.getName());
    container.addEndpoint(
        ServerEndpointConfig.Builder.create(Tunnel.class, "/device/v1/{uuid}/terminals/{tunnel}")
            .configurator(server.new Configurator())
            .build());
    return server;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Sends {@code text} as terminal input in a binary frame, once the device dialled. */
  void type(String text) throws IOException, InterruptedException {
    awaitSession()
        .getBasicRemote()
        .sendBinary(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Sends a control message in a text frame. */
  void control(String json) throws IOException, InterruptedException {
    awaitSession().getBasicRemote().sendText(json);
  }

  /** Waits until the output contains {@code expected}; returns the output either way. */
  String awaitOutput(String expected) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!output.toString().contains(expected) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return output.toString();
  }

  /** Waits until a text frame arrived that contains {@code expected}; returns them all. */
  List<String> awaitText(String expected) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (texts.stream().noneMatch(text -> text.contains(expected))
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return List.copyOf(texts);
  }

  /** Waits until the device closed the WebSocket. */
  boolean awaitClosed() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!closed && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return closed;
  }

  @Override
  public void close() throws LifecycleException {
    tomcat.stop();
    tomcat.destroy();
  }

  private Session awaitSession() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (session == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return session;
  }

  /** Records the handshake's headers and hands every connection this server's state. */
  private final class Configurator extends ServerEndpointConfig.Configurator {

    @Override
    public void modifyHandshake(
        ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
      request
          .getHeaders()
          .forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
      return endpointClass.cast(new Tunnel(TunnelServer.this));
    }
  }

  /** One tunnel connection. */
  static final class Tunnel extends Endpoint {

    private final TunnelServer server;

    Tunnel(TunnelServer server) {
      this.server = server;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
      session.addMessageHandler(
          ByteBuffer.class,
          (MessageHandler.Whole<ByteBuffer>)
              data -> {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                server.output.append(new String(bytes, StandardCharsets.UTF_8));
              });
      session.addMessageHandler(String.class, (MessageHandler.Whole<String>) server.texts::add);
      server.session = session;
    }

    @Override
    public void onClose(Session session, jakarta.websocket.CloseReason reason) {
      server.closed = true;
    }
  }
}
