package io.slipway.api.control.terminal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * The device's end of a terminal tunnel, dialed after {@code open-terminal} with a token that the
 * handshake already spent: attaches the connection to the waiting session and passes its frames to
 * the user.
 */
final class DeviceTerminalHandler extends AbstractWebSocketHandler {

  private static final Logger log = LoggerFactory.getLogger(DeviceTerminalHandler.class);

  @Override
  public void afterConnectionEstablished(WebSocketSession session) {
    TerminalTunnel tunnel = tunnel(session);
    log.info("Device {} dialed terminal tunnel {}", tunnel.deviceUuid(), tunnel.id());
    tunnel.bridge().attachDevice(session);
  }

  @Override
  protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
    tunnel(session).bridge().fromDevice(message);
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message) {
    tunnel(session).bridge().fromDevice(message);
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    tunnel(session).bridge().deviceClosed(status);
  }

  @Override
  public void handleTransportError(WebSocketSession session, Throwable exception) {
    TerminalTunnel tunnel = tunnel(session);
    String cause = exception.getMessage();
    if (cause == null) {
      // An error without a message gives the user nothing to read. It arrives when the device
      // drops the connection before it sends the shell's exit status.
      tunnel.bridge().close("the device closed the terminal without an exit status");
      return;
    }
    tunnel.bridge().close("the device's connection failed: " + cause);
  }

  private static TerminalTunnel tunnel(WebSocketSession session) {
    return (TerminalTunnel) session.getAttributes().get(DeviceTerminalHandshake.TUNNEL);
  }
}
