package io.slipway.api.control.terminal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The user's side of a terminal as a WebSocket: terminal bytes go out as binary frames, the end as
 * an {@code exit} or {@code error} text frame before the close. Sends go through a bounded buffer;
 * a user who does not read ends the session. Thread-safe.
 */
final class WebSocketTerminalUser implements TerminalUser {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final WebSocketSession session;

  WebSocketTerminalUser(WebSocketSession session) {
    this.session =
        new ConcurrentWebSocketSessionDecorator(
            session,
            (int) TerminalBridge.SEND_TIME_LIMIT.toMillis(),
            TerminalBridge.SEND_BUFFER_LIMIT,
            ConcurrentWebSocketSessionDecorator.OverflowStrategy.TERMINATE);
  }

  @Override
  public void output(byte[] bytes) throws IOException {
    session.sendMessage(new BinaryMessage(bytes));
  }

  @Override
  public String clientAddress() {
    return TerminalUser.hostOf(session.getRemoteAddress());
  }

  @Override
  public void end(TerminalEnd end) {
    Map<String, Object> message = new LinkedHashMap<>();
    if (end.hasExitCode()) {
      message.put("type", "exit");
      message.put("code", end.exitCode());
    } else {
      message.put("type", "error");
      message.put("message", end.reason());
    }
    closeWith(message);
  }

  /** Reports an error with its API code, such as a refused opening, and closes. */
  void fail(String code, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", "error");
    error.put("code", code);
    error.put("message", message);
    closeWith(error);
  }

  private void closeWith(Map<String, ?> message) {
    if (!session.isOpen()) {
      return;
    }
    try {
      session.sendMessage(new TextMessage(JSON.writeValueAsString(message)));
      session.close(CloseStatus.NORMAL);
    } catch (IOException | RuntimeException e) {
      // The user disconnected first, so no one is left to receive the message.
    }
  }
}
