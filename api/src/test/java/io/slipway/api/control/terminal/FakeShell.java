package io.slipway.api.control.terminal;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a device's agent does with a terminal tunnel, reduced to a tiny shell: a real WebSocket
 * client that dials the tunnel with the device key and token, writes {@code ready}, replies to each
 * input line with {@code got: LINE}, reports each resize as {@code resized COLSxROWS}, and on the
 * line {@code exit N} sends the {@code exit} message with code N and closes. The line {@code drop}
 * aborts the connection without an exit message or a close frame, like a device that loses power.
 */
final class FakeShell implements WebSocket.Listener {

  private static final Pattern RESIZE =
      Pattern.compile("\"cols\"\\s*:\\s*(\\d+).*\"rows\"\\s*:\\s*(\\d+)");

  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final StringBuilder text = new StringBuilder();
  private WebSocket socket;

  /** Dials {@code url} as device {@code uuid} with {@code deviceKey} and {@code token}. */
  static CompletableFuture<WebSocket> dial(
      HttpClient client, URI url, String uuid, String deviceKey, String token) {
    return client
        .newWebSocketBuilder()
        .header("Authorization", "Bearer " + deviceKey)
        .header("X-Slipway-Terminal-Token", token)
        .buildAsync(url, new FakeShell());
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    socket = webSocket;
    write("ready\r\n");
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    while (data.hasRemaining()) {
      byte b = data.get();
      if (b == '\n' || b == '\r') {
        answer(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      Matcher resize = RESIZE.matcher(text);
      if (resize.find()) {
        write("resized " + resize.group(1) + "x" + resize.group(2) + "\r\n");
      }
      text.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  private void answer(String input) {
    if (input.isEmpty()) {
      return;
    }
    if (input.startsWith("exit ")) {
      socket
          .sendText("{\"type\":\"exit\",\"code\":" + input.substring(5).strip() + "}", true)
          .join();
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
      return;
    }
    if (input.equals("drop")) {
      socket.abort();
      return;
    }
    write("got: " + input + "\r\n");
  }

  private void write(String output) {
    socket.sendBinary(ByteBuffer.wrap(output.getBytes(StandardCharsets.UTF_8)), true).join();
  }
}
