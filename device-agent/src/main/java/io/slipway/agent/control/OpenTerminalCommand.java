package io.slipway.agent.control;

import io.slipway.agent.terminal.Terminal;
import io.slipway.agent.terminal.TerminalSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Handles {@code open-terminal}: starts a shell in a terminal, on the host or in the service's
 * container, and dials the tunnel the command names. The command succeeds once the tunnel is up.
 * Open sessions end when their shell ends, when the server closes them, or at {@link #close()}.
 * Thread-safe.
 */
final class OpenTerminalCommand implements AutoCloseable {

  /** How long the server gets to accept the tunnel's WebSocket. */
  static final Duration DIAL_TIMEOUT = Duration.ofSeconds(15);

  private final String device;
  private final String deviceKey;
  private final URI apiEndpoint;
  private final HttpClient client;
  private final Terminal.Factory terminals;
  private final Set<TerminalSession> sessions = ConcurrentHashMap.newKeySet();

  OpenTerminalCommand(
      String device,
      String deviceKey,
      URI apiEndpoint,
      HttpClient client,
      Terminal.Factory terminals) {
    this.device = device;
    this.deviceKey = deviceKey;
    this.apiEndpoint = apiEndpoint;
    this.client = client;
    this.terminals = terminals;
  }

  CommandHandler.Reply open(Command command) {
    TerminalRequest request = command.terminal();
    URI tunnel = TerminalSession.tunnelUri(apiEndpoint, request.path());
    Terminal terminal = terminals.open(request.service(), request.cols(), request.rows());
    TerminalSession session =
        TerminalSession.open(
            client,
            tunnel,
            deviceKey,
            request.token(),
            terminal,
            device + "/" + request.tunnelId(),
            DIAL_TIMEOUT);
    sessions.add(session);
    sessions.removeIf(TerminalSession::isClosed);
    String where = request.service() == null ? "the host" : "service " + request.service();
    return CommandHandler.Reply.of("terminal " + request.tunnelId() + " opened on " + where);
  }

  @Override
  public void close() {
    sessions.forEach(TerminalSession::close);
    sessions.clear();
  }
}
