package io.slipway.api.control.terminal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Relays one terminal session between the user's side and the device's WebSocket. Binary frames
 * carry terminal bytes; text frames carry the JSON control messages {@code resize}, {@code exit}
 * and {@code error}. Sends to the device go through a bounded buffer: a device that does not keep
 * up within {@link #SEND_TIME_LIMIT} or {@link #SEND_BUFFER_LIMIT} ends the session instead of
 * growing the server's memory. The session ends once, whichever side ends it first, and both sides
 * are closed then. Thread-safe.
 */
public final class TerminalBridge {

  /** Largest number of bytes queued for a slow peer before the session is cut. */
  public static final int SEND_BUFFER_LIMIT = 256 * 1024;

  /** Maximum time one send to a slow peer may take before the session is cut. */
  public static final Duration SEND_TIME_LIMIT = Duration.ofSeconds(10);

  /** Largest WebSocket message accepted from either side, in bytes. */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(TerminalBridge.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String tunnelId;
  private final String deviceUuid;
  private final TerminalUser user;
  private final Consumer<TerminalEnd> onEnd;
  private final CompletableFuture<Void> dialed = new CompletableFuture<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile WebSocketSession device;
  private volatile long lastActivityNanos = System.nanoTime();

  /**
   * @param onEnd called once when the session ends, on the thread that ended it
   */
  TerminalBridge(
      String tunnelId, String deviceUuid, TerminalUser user, Consumer<TerminalEnd> onEnd) {
    this.tunnelId = tunnelId;
    this.deviceUuid = deviceUuid;
    this.user = user;
    this.onEnd = onEnd;
  }

  public String tunnelId() {
    return tunnelId;
  }

  /** Completes when the device has dialed the tunnel, or fails with the reason it cannot. */
  CompletableFuture<Void> dialed() {
    return dialed;
  }

  /** Takes the device's WebSocket, once the device has dialed with a valid token. */
  void attachDevice(WebSocketSession session) {
    session.setBinaryMessageSizeLimit(MAX_MESSAGE_BYTES);
    session.setTextMessageSizeLimit(MAX_MESSAGE_BYTES);
    device =
        new ConcurrentWebSocketSessionDecorator(
            session,
            (int) SEND_TIME_LIMIT.toMillis(),
            SEND_BUFFER_LIMIT,
            ConcurrentWebSocketSessionDecorator.OverflowStrategy.TERMINATE);
    touch();
    dialed.complete(null);
    if (ended.get()) {
      closeDevice(null);
    }
  }

  /** Fails the wait for the device's dial with {@code message}, such as the command's error. */
  void failDial(String message) {
    dialed.completeExceptionally(new TerminalDialException(message));
  }

  /** Passes a frame from the device to the user. */
  void fromDevice(WebSocketMessage<?> message) {
    touch();
    if (message instanceof BinaryMessage binary) {
      toUser(bytesOf(binary.getPayload()));
      return;
    }
    if (message instanceof TextMessage text) {
      controlFromDevice(text.getPayload());
    }
  }

  /** Ends the session because the device's WebSocket closed. */
  void deviceClosed(CloseStatus status) {
    end(TerminalEnd.cut("the device closed the terminal (" + status.getCode() + ")"));
  }

  /**
   * Sends bytes the user typed to the device. A device that is too slow ends the session.
   *
   * @param bytes terminal input, at most {@link #MAX_MESSAGE_BYTES}
   */
  public void input(byte[] bytes) {
    touch();
    sendToDevice(new BinaryMessage(bytes));
  }

  /** Tells the device that the user's terminal now has {@code size}. */
  public void resize(TerminalSize size) {
    touch();
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("type", "resize");
    message.put("cols", size.cols());
    message.put("rows", size.rows());
    sendToDevice(new TextMessage(JSON.writeValueAsString(message)));
  }

  /** Ends the session from the user's side, for {@code reason}. Later calls do nothing. */
  public void close(String reason) {
    end(TerminalEnd.cut(reason));
  }

  /**
   * Ends a session that failed to open and closes the device's side if it dialed. It calls neither
   * the user's side nor the end listener, because the caller that opened it reports the failure.
   */
  void abandon(String reason) {
    if (ended.compareAndSet(false, true)) {
      dialed.completeExceptionally(new TerminalDialException(reason));
      closeDevice(reason);
    }
  }

  /** Returns true once the session has ended. */
  public boolean ended() {
    return ended.get();
  }

  /** Ends the session when nothing passed either way for {@code idleTimeout}. */
  void closeIfIdle(Duration idleTimeout) {
    if (System.nanoTime() - lastActivityNanos < idleTimeout.toNanos()) {
      return;
    }
    end(TerminalEnd.cut("no traffic for " + idleTimeout.toSeconds() + " s (idle timeout)"));
  }

  /**
   * Ends the session with {@code end}. It sends the reason to the device unless the device ended
   * the session itself, closes both sides and calls the end listener. Only the first call counts.
   */
  void end(TerminalEnd end) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    log.info("Terminal {} of device {} ended: {}", tunnelId, deviceUuid, describe(end));
    closeDevice(end.hasExitCode() ? null : end.reason());
    dialed.completeExceptionally(new TerminalDialException(end.reason()));
    user.end(end);
    onEnd.accept(end);
  }

  private void controlFromDevice(String payload) {
    JsonNode message;
    try {
      message = JSON.readTree(payload);
    } catch (RuntimeException e) {
      log.warn("Terminal {} of device {} sent a text frame that is not JSON", tunnelId, deviceUuid);
      return;
    }
    String type = message.path("type").asString("");
    switch (type) {
      case "exit" -> end(TerminalEnd.exited(message.path("code").asInt(0)));
      case "error" ->
          end(TerminalEnd.cut("device: " + message.path("message").asString("unknown error")));
      default -> log.debug("Terminal {} ignores control message '{}' from device", tunnelId, type);
    }
  }

  private void toUser(byte[] bytes) {
    try {
      user.output(bytes);
    } catch (IOException | RuntimeException e) {
      end(TerminalEnd.cut("the user's connection failed: " + e.getMessage()));
    }
  }

  private void sendToDevice(WebSocketMessage<?> message) {
    WebSocketSession session = device;
    if (session == null || ended.get()) {
      return;
    }
    try {
      session.sendMessage(message);
    } catch (IOException | RuntimeException e) {
      end(TerminalEnd.cut("the device's connection failed or is too slow: " + e.getMessage()));
    }
  }

  private void closeDevice(String reason) {
    WebSocketSession session = device;
    if (session == null || !session.isOpen()) {
      return;
    }
    try {
      if (reason != null) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "error");
        error.put("message", reason);
        session.sendMessage(new TextMessage(JSON.writeValueAsString(error)));
      }
      session.close(CloseStatus.NORMAL);
    } catch (IOException | RuntimeException e) {
      log.debug("Terminal {} of device {}: closing the device's side failed", tunnelId, deviceUuid);
    }
  }

  private void touch() {
    lastActivityNanos = System.nanoTime();
  }

  private static byte[] bytesOf(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  static String describe(TerminalEnd end) {
    return end.hasExitCode() ? "exit code " + end.exitCode() : end.reason();
  }
}
