package io.slipway.api.control.terminal;

import io.slipway.api.error.ApiException;
import io.slipway.api.identity.Identity;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The user's terminal WebSocket: opens the session once the connection is up (blocking that
 * connection until the device dials, at most the dial timeout), then passes binary frames to the
 * device as input and {@code resize} messages as resizes. A failed opening is reported as an {@code
 * error} message with the API's error code, then the connection closes.
 */
final class UserTerminalHandler extends AbstractWebSocketHandler {

  private static final Logger log = LoggerFactory.getLogger(UserTerminalHandler.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String BRIDGE = "slipway.terminal.bridge";

  private final TerminalSessions sessions;

  UserTerminalHandler(TerminalSessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public void afterConnectionEstablished(WebSocketSession session) {
    session.setBinaryMessageSizeLimit(TerminalBridge.MAX_MESSAGE_BYTES);
    session.setTextMessageSizeLimit(TerminalBridge.MAX_MESSAGE_BYTES);
    WebSocketTerminalUser user = new WebSocketTerminalUser(session);
    Identity who = (Identity) session.getAttributes().get(TerminalHandshake.IDENTITY);
    String uuid = (String) session.getAttributes().get(UserTerminalHandshake.DEVICE);

    try {
      TerminalBridge bridge =
          sessions.open(
              who,
              uuid,
              (String) session.getAttributes().get(UserTerminalHandshake.SERVICE),
              (TerminalSize) session.getAttributes().get(UserTerminalHandshake.SIZE),
              TerminalSessions.Via.WEBSOCKET,
              user);
      session.getAttributes().put(BRIDGE, bridge);
    } catch (ApiException e) {
      log.info(
          "Terminal on device {} for '{}' not opened: {}", uuid, who.subject(), e.getMessage());
      user.fail(e.code(), e.getMessage());
    }
  }

  @Override
  protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
    TerminalBridge bridge = bridge(session);
    if (bridge == null) {
      return;
    }
    ByteBuffer payload = message.getPayload();
    byte[] bytes = new byte[payload.remaining()];
    payload.get(bytes);
    bridge.input(bytes);
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message) {
    TerminalBridge bridge = bridge(session);
    if (bridge == null) {
      return;
    }
    JsonNode control;
    try {
      control = JSON.readTree(message.getPayload());
    } catch (RuntimeException e) {
      bridge.close("the user sent a text frame that is not JSON");
      return;
    }
    String type = control.path("type").asString("");
    if (type.equals("resize")) {
      resize(bridge, control);
    } else if (type.equals("error")) {
      bridge.close("user: " + control.path("message").asString("unknown error"));
    }
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    TerminalBridge bridge = bridge(session);
    if (bridge != null) {
      bridge.close("the user closed the terminal (" + status.getCode() + ")");
    }
  }

  @Override
  public void handleTransportError(WebSocketSession session, Throwable exception) {
    TerminalBridge bridge = bridge(session);
    if (bridge != null) {
      bridge.close("the user's connection failed: " + exception.getMessage());
    }
  }

  private static void resize(TerminalBridge bridge, JsonNode control) {
    try {
      bridge.resize(new TerminalSize(control.path("cols").asInt(0), control.path("rows").asInt(0)));
    } catch (IllegalArgumentException e) {
      log.warn(
          "Terminal {}: ignoring a resize from the user: {}", bridge.tunnelId(), e.getMessage());
    }
  }

  private static TerminalBridge bridge(WebSocketSession session) {
    return (TerminalBridge) session.getAttributes().get(BRIDGE);
  }
}
