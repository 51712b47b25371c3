package io.slipway.api.control.terminal;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A user's side of a terminal WebSocket for tests: collects the terminal output and the control
 * messages, and sends input and resizes. Thread-safe.
 */
final class TerminalClient implements WebSocket.Listener {

  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final StringBuilder text = new StringBuilder();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private WebSocket socket;

  /** Opens the terminal at {@code url} with a user's bearer token. */
  static TerminalClient open(HttpClient client, URI url, String token) {
    TerminalClient terminal = new TerminalClient();
    terminal.socket =
        client
            .newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .buildAsync(url, terminal)
            .join();
    return terminal;
  }

  void type(String input) {
    socket.sendBinary(ByteBuffer.wrap(input.getBytes(StandardCharsets.UTF_8)), true).join();
  }

  void resize(int cols, int rows) {
    socket
        .sendText("{\"type\":\"resize\",\"cols\":" + cols + ",\"rows\":" + rows + "}", true)
        .join();
  }

  /** Closes the connection unless the server closed it already. */
  void close() {
    if (!socket.isOutputClosed()) {
      // The server may close at the same moment; either way the connection ends.
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null).join();
    }
  }

  String output() {
    synchronized (output) {
      return output.toString(StandardCharsets.UTF_8);
    }
  }

  /** Returns the text messages received, such as {@code exit} and {@code error}. */
  List<String> messages() {
    return messages;
  }

  boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    synchronized (output) {
      output.writeBytes(bytes);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      messages.add(text.toString());
      text.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(-1);
  }
}
