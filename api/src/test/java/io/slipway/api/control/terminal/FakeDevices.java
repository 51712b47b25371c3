package io.slipway.api.control.terminal;

import io.slipway.api.control.command.Command;
import io.slipway.api.control.command.CommandType;
import io.slipway.api.control.command.DeviceCommands;
import io.slipway.api.device.Device;
import io.slipway.api.identity.Identity;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.context.annotation.Primary;

/**
 * Stands in for the control channel in terminal tests: the MQTT broker and device agents cannot
 * take part here, so {@code open-terminal} is delivered by calling {@link FakeShell#dial} directly,
 * as the agent would on receiving it. Everything after that (the tunnel's WebSocket, its token, the
 * bridge) is the real server. The test registers it with {@code --spring.main.sources}; it carries
 * no stereotype so that component scanning of other tests never picks it up.
 */
@Primary
public class FakeDevices implements DeviceCommands {

  /** What a device does when asked to open a terminal. */
  enum Behaviour {
    /** Dials the tunnel and runs a {@link FakeShell}. */
    SHELL,
    /** Does nothing, like a device whose agent hangs. */
    SILENT,
    /** Fails the command, like a device asked for a service it does not run. */
    REFUSE
  }

  /** One {@code open-terminal} that was sent, with the tunnel's path and token. */
  record Dial(String deviceUuid, String path, String token) {}

  private final HttpClient client = HttpClient.newHttpClient();
  private final Map<String, String> keys = new ConcurrentHashMap<>();
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Command>> outcomes = new ConcurrentHashMap<>();
  private final List<Dial> dials = new CopyOnWriteArrayList<>();
  private volatile int serverPort;

  void serverPort(int port) {
    this.serverPort = port;
  }

  void enroll(String uuid, String deviceKey, Behaviour behaviour) {
    keys.put(uuid, deviceKey);
    behaviours.put(uuid, behaviour);
  }

  List<Dial> dials() {
    return dials;
  }

  URI url(String path) {
    return URI.create("ws://127.0.0.1:" + serverPort + path);
  }

  @Override
  public Command send(
      Identity who,
      Device device,
      CommandType type,
      String service,
      Duration timeout,
      Map<String, Object> parameters) {
    Command pending =
        Command.pending(
            "cmd_" + UUID.randomUUID(),
            device.uuid(),
            type,
            service,
            who.subject(),
            Instant.now(),
            timeout);
    CompletableFuture<Command> outcome = new CompletableFuture<>();
    outcomes.put(pending.id(), outcome);

    Map<?, ?> terminal = (Map<?, ?>) parameters.get("terminal");
    Dial dial =
        new Dial(device.uuid(), (String) terminal.get("path"), (String) terminal.get("token"));
    dials.add(dial);
    switch (behaviours.getOrDefault(device.uuid(), Behaviour.SILENT)) {
      case SHELL ->
          FakeShell.dial(
              client, url(dial.path()), device.uuid(), keys.get(device.uuid()), dial.token());
      case REFUSE ->
          outcome.complete(
              failed(pending, "service '" + terminal.get("service") + "' is not running"));
      case SILENT -> {}
    }
    return pending;
  }

  @Override
  public Optional<Command> await(String commandId, Duration max) throws InterruptedException {
    CompletableFuture<Command> outcome = outcomes.get(commandId);
    if (outcome == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(outcome.get(max.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Command failed(Command pending, String error) {
    return new Command(
        pending.id(),
        pending.deviceUuid(),
        pending.type(),
        pending.service(),
        Command.Status.FAILED,
        null,
        error,
        pending.createdBy(),
        pending.createdAt(),
        pending.deadline(),
        Instant.now());
  }
}
