package io.slipway.cli.ssh;

import io.slipway.api.control.command.Command;
import io.slipway.api.control.command.CommandType;
import io.slipway.api.control.command.DeviceCommands;
import io.slipway.api.device.Device;
import io.slipway.api.identity.Identity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.annotation.Primary;

/**
 * Devices for {@code slipway ssh} tests. The control channel's broker and agents cannot run in this
 * module's tests, so {@code open-terminal} is handled here by dialing the tunnel at once with a
 * real WebSocket client, as the agent would. The dialed terminal replies to each line with {@code
 * echo: LINE} and ends on {@code exit N} with exit code N. Registered with {@code
 * --spring.main.sources}; no stereotype, so component scanning never finds it.
 */
@Primary
public class EchoDevices implements DeviceCommands {

  private final HttpClient client = HttpClient.newHttpClient();
  private final Map<String, String> keys = new ConcurrentHashMap<>();
  private volatile String server;

  void use(String baseUrl) {
    server = baseUrl.replaceFirst("^http", "ws");
  }

  void enroll(String uuid, String deviceKey) {
    keys.put(uuid, deviceKey);
  }

  @Override
  public Command send(
      Identity who,
      Device device,
      CommandType type,
      String service,
      Duration timeout,
      Map<String, Object> parameters) {
    Map<?, ?> terminal = (Map<?, ?>) parameters.get("terminal");
    client
        .newWebSocketBuilder()
        .header("Authorization", "Bearer " + keys.get(device.uuid()))
        .header("X-Slipway-Terminal-Token", (String) terminal.get("token"))
        .buildAsync(URI.create(server + terminal.get("path")), new EchoLines());
    return Command.pending(
        "cmd_" + UUID.randomUUID(),
        device.uuid(),
        type,
        service,
        who.subject(),
        Instant.now(),
        timeout);
  }

  @Override
  public Optional<Command> await(String commandId, Duration max) {
    // The fake never fails a command; the terminal's own messages end the session.
    return Optional.empty();
  }

  /** Replies to lines of terminal input. Not thread-safe: the WebSocket calls it serially. */
  private static final class EchoLines implements WebSocket.Listener {

    private final StringBuilder line = new StringBuilder();

    @Override
    public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
      for (char c : StandardCharsets.UTF_8.decode(data).toString().toCharArray()) {
        if (c != '\n') {
          line.append(c);
          continue;
        }
        String input = line.toString();
        line.setLength(0);
        if (input.startsWith("exit ")) {
          socket.sendText("{\"type\":\"exit\",\"code\":" + input.substring(5) + "}", true).join();
          socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
          return null;
        }
        byte[] echo = ("echo: " + input + "\r\n").getBytes(StandardCharsets.UTF_8);
        socket.sendBinary(ByteBuffer.wrap(echo), true).join();
      }
      socket.request(1);
      return null;
    }
  }
}
