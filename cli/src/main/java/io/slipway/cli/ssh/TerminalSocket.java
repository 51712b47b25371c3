package io.slipway.cli.ssh;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.Connection;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The user's terminal WebSocket, {@code /api/v1/devices/{uuid}/terminal}: sends typed bytes and
 * resizes, passes the device's output to a {@link TextSink}, and completes with the device's exit
 * code, or fails with the server's error. Sends are serialized, as the WebSocket requires.
 */
final class TerminalSocket implements WebSocket.Listener {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private final TextSink output;
  private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
  private final StringBuilder text = new StringBuilder();
  private WebSocket socket;

  private TerminalSocket(TextSink output) {
    this.output = output;
  }

  /**
   * Opens a terminal on {@code device}, in {@code service}'s container when not null.
   *
   * @throws CommandFailedException when the server cannot be reached or refuses the upgrade
   */
  static TerminalSocket open(
      Connection connection, String device, String service, WindowSize size, TextSink output) {
    TerminalSocket terminal = new TerminalSocket(output);
    URI uri = uri(connection, device, service, size);
    HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    try {
      terminal.socket =
          client
              .newWebSocketBuilder()
              .header("Authorization", "Bearer " + connection.token())
              .buildAsync(uri, terminal)
              .join();
    } catch (CompletionException e) {
      throw refused(connection, device, e.getCause());
    }
    return terminal;
  }

  /** Sends bytes typed locally. */
  synchronized void type(byte[] bytes, int length) {
    socket.sendBinary(ByteBuffer.wrap(bytes, 0, length), true).join();
  }

  /** Tells the device the window's new size. */
  synchronized void resize(WindowSize size) {
    socket
        .sendText(
            "{\"type\":\"resize\",\"cols\":" + size.cols() + ",\"rows\":" + size.rows() + "}", true)
        .join();
  }

  /**
   * Waits until the session ends.
   *
   * @return the exit code of the device's shell
   * @throws CommandFailedException with the server's or the device's error
   */
  int awaitExit() throws InterruptedException {
    try {
      return exitCode.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CommandFailedException failed) {
        throw failed;
      }
      throw new CommandFailedException("The terminal failed: " + e.getCause().getMessage());
    }
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    output.write(data);
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      control(text.toString());
      text.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    exitCode.completeExceptionally(
        new CommandFailedException(
            "The server closed the terminal without an exit code (WebSocket close "
                + statusCode
                + (reason.isEmpty() ? "" : ": " + reason)
                + ")"));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    exitCode.completeExceptionally(
        new CommandFailedException(
            "The terminal's connection failed: " + error.getMessage(), ExitCode.UNREACHABLE));
  }

  private void control(String message) {
    JsonNode root;
    try {
      root = JSON.readTree(message);
    } catch (JacksonException e) {
      return;
    }
    switch (root.path("type").asString("")) {
      case "exit" -> exitCode.complete(root.path("code").asInt(ExitCode.FAILED));
      case "error" -> exitCode.completeExceptionally(error(root));
      default -> {
        // The protocol requires clients to ignore unknown control messages.
      }
    }
  }

  private static CommandFailedException error(JsonNode root) {
    String code = root.path("code").asString("");
    String message = root.path("message").asString("unknown error");
    boolean denied =
        code.equals("UNAUTHORIZED")
            || code.equals("FORBIDDEN")
            || code.equals("SUPPORT_ACCESS_REQUIRED");
    String prefix = code.isEmpty() ? "The terminal ended: " : "The server refused (" + code + "): ";
    return new CommandFailedException(
        prefix + message, denied ? ExitCode.NOT_AUTHORIZED : ExitCode.FAILED);
  }

  private static URI uri(Connection connection, String device, String service, WindowSize size) {
    String base = connection.server().toString().replaceFirst("^http", "ws");
    String query = "?cols=" + size.cols() + "&rows=" + size.rows();
    if (service != null) {
      query += "&service=" + URLEncoder.encode(service, StandardCharsets.UTF_8);
    }
    return URI.create(
        base
            + "/api/v1/devices/"
            + URLEncoder.encode(device, StandardCharsets.UTF_8)
            + "/terminal"
            + query);
  }

  private static CommandFailedException refused(
      Connection connection, String device, Throwable cause) {
    if (cause instanceof WebSocketHandshakeException handshake) {
      int status = handshake.getResponse().statusCode();
      return switch (status) {
        case 401 ->
            new CommandFailedException(
                "The server rejected the token (HTTP 401); run 'slipway login' with a valid API"
                    + " token",
                ExitCode.NOT_AUTHORIZED);
        case 403 ->
            new CommandFailedException(
                "You may not open a terminal on device "
                    + device
                    + " (HTTP 403): it needs the 'control devices' permission on its fleet",
                ExitCode.NOT_AUTHORIZED);
        case 404 ->
            new CommandFailedException(
                "Device " + device + " does not exist or is not in your organizations (HTTP 404)");
        default ->
            new CommandFailedException(
                "The server rejected the terminal on device "
                    + device
                    + " (HTTP "
                    + status
                    + "); check the server's log");
      };
    }
    if (cause instanceof ConnectException || cause instanceof IOException) {
      return new CommandFailedException(
          "Cannot reach the server at "
              + connection.server()
              + " ("
              + cause.getClass().getSimpleName()
              + "); check that it runs and that --server, SLIPWAY_SERVER or the stored login"
              + " names it",
          ExitCode.UNREACHABLE);
    }
    return new CommandFailedException("Cannot open the terminal: " + cause);
  }
}
