package io.slipway.agent.terminal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One terminal session: the WebSocket that the device dials to the server's tunnel, bridged to a
 * {@link Terminal}. Binary frames carry the terminal's bytes both ways. Text frames carry JSON
 * control messages: {@code resize} from the user, and {@code exit} with the program's exit code or
 * {@code error} from the device before it closes.
 *
 * <p>Buffers are bounded: the agent reads the next frame from the server only once the previous one
 * was written to the terminal, and reads the terminal again only once the server took the previous
 * chunk. A session runs on one thread of its own plus the HTTP client's threads; {@link #close()}
 * may be called from any thread.
 */
public final class TerminalSession implements AutoCloseable {

  /** The header carrying the tunnel's one-time token. */
  public static final String TOKEN_HEADER = "X-Slipway-Terminal-Token";

  /** The largest chunk of terminal output sent in one frame, in bytes. */
  static final int CHUNK_BYTES = 8 * 1024;

  /** The largest text frame accepted from the server, in characters. */
  static final int MAX_TEXT_CHARS = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(TerminalSession.class);

  private final String label;
  private final Terminal terminal;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Duration sendTimeout;
  private volatile WebSocket webSocket;

  private TerminalSession(String label, Terminal terminal, Duration sendTimeout) {
    this.label = label;
    this.terminal = terminal;
    this.sendTimeout = sendTimeout;
  }

  /**
   * Returns the WebSocket URL of {@code path} on the server at {@code apiEndpoint}: {@code http}
   * becomes {@code ws} and {@code https} becomes {@code wss}, and the path is appended to the
   * endpoint's own path, so that a server behind a reverse proxy at a path prefix works.
   *
   * @throws IllegalArgumentException naming the value when the endpoint is neither HTTP nor HTTPS
   *     or the path is not an absolute path
   */
  public static URI tunnelUri(URI apiEndpoint, String path) {
    String scheme = apiEndpoint.getScheme() == null ? "" : apiEndpoint.getScheme().toLowerCase();
    String webSocketScheme =
        switch (scheme) {
          case "http" -> "ws";
          case "https" -> "wss";
          default ->
              throw new IllegalArgumentException(
                  "API endpoint '" + apiEndpoint + "' is neither http nor https");
        };
    if (path == null || !path.startsWith("/") || path.startsWith("//")) {
      throw new IllegalArgumentException(
          "Terminal path '" + path + "' is invalid: expected a path such as /device/v1/...");
    }
    String base = apiEndpoint.toString().substring(scheme.length());
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(webSocketScheme + base + path);
  }

  /**
   * Dials {@code tunnel} with the device key and the token, and starts bridging it to {@code
   * terminal}. On failure the terminal is closed.
   *
   * @param client the HTTP client that opens the WebSocket; it should not follow redirects
   * @param label what log lines name the session by, such as the device and tunnel ids
   * @param dialTimeout how long to wait for the server to accept the WebSocket
   * @throws IllegalStateException naming the URL and the cause when the server does not accept it
   */
  public static TerminalSession open(
      HttpClient client,
      URI tunnel,
      String deviceKey,
      String token,
      Terminal terminal,
      String label,
      Duration dialTimeout) {
    TerminalSession session = new TerminalSession(label, terminal, dialTimeout);
    try {
      session.webSocket =
          client
              .newWebSocketBuilder()
              .connectTimeout(dialTimeout)
              .header("Authorization", "Bearer " + deviceKey)
              .header(TOKEN_HEADER, token)
              .buildAsync(tunnel, session.new FromServer())
              .get(dialTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      terminal.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException(
          "Cannot open the terminal tunnel " + tunnel + ": " + cause, e);
    } catch (InterruptedException e) {
      terminal.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while opening the terminal tunnel " + tunnel, e);
    }

    Thread pump = new Thread(session::pumpOutput, "slipway-terminal-" + label);
    pump.setDaemon(true);
    pump.start();
    log.info("Terminal session {} is open", label);
    return session;
  }

  /** Ends the session: closes the terminal and the WebSocket. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    terminal.close();
    if (webSocket != null && !webSocket.isOutputClosed()) {
      webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "closed").exceptionally(e -> null);
    }
  }

  /** Returns whether the session ended. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Sends the terminal's output until it ends, then the exit code, then closes. */
  private void pumpOutput() {
    byte[] buffer = new byte[CHUNK_BYTES];
    try {
      int count;
      while ((count = terminal.read(buffer)) >= 0) {
        if (count > 0) {
          send(webSocket.sendBinary(ByteBuffer.wrap(Arrays.copyOf(buffer, count)), true));
        }
      }
      if (closed.get()) {
        return;
      }
      int code = terminal.waitFor();
      log.info("Terminal session {} ended with exit code {}", label, code);
      send(webSocket.sendText(TerminalMessages.exit(code), true));
      send(webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "exit"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      fail("the terminal's output cannot be sent: " + e.getMessage());
    } finally {
      closed.set(true);
      terminal.close();
    }
  }

  private void send(CompletableFuture<WebSocket> sending)
      throws InterruptedException, ExecutionException, TimeoutException {
    sending.get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Reports an error to the user, if the WebSocket is still open, and ends the session. */
  private void fail(String message) {
    if (closed.get()) {
      return;
    }
    log.warn("Terminal session {} failed: {}", label, message);
    WebSocket socket = webSocket;
    if (socket != null && !socket.isOutputClosed()) {
      socket.sendText(TerminalMessages.error(message), true).exceptionally(e -> null);
    }
    close();
  }

  /** Passes the server's frames to the terminal, one at a time. */
  private final class FromServer implements WebSocket.Listener {

    private final StringBuilder text = new StringBuilder();

    @Override
    public void onOpen(WebSocket socket) {
      webSocket = socket;
      socket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      try {
        terminal.write(bytes, bytes.length);
      } catch (IOException e) {
        fail("the input cannot be passed to the terminal: " + e.getMessage());
        return null;
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      if (text.length() + data.length() > MAX_TEXT_CHARS) {
        fail("a control message is longer than " + MAX_TEXT_CHARS + " characters");
        return null;
      }
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        control(message);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      log.info("Server closed terminal session {} ({} {})", label, statusCode, reason);
      close();
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      log.warn("Terminal session {} lost its WebSocket: {}", label, error.toString());
      closed.set(true);
      terminal.close();
    }

    private void control(String message) {
      try {
        TerminalMessages.Size size = TerminalMessages.resize(message);
        if (size != null) {
          terminal.resize(size.cols(), size.rows());
        }
      } catch (IllegalArgumentException | IOException e) {
        log.warn("Terminal session {} ignores a control message: {}", label, e.getMessage());
      }
    }
  }
}
