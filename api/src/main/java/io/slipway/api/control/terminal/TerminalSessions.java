package io.slipway.api.control.terminal;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.control.ControlProperties;
import io.slipway.api.control.command.Command;
import io.slipway.api.control.command.CommandType;
import io.slipway.api.control.command.DeviceCommands;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Opens terminal sessions for both front doors, the user WebSocket and the SSH gateway: checks the
 * user, makes a tunnel, sends {@code open-terminal} to the device and waits until the device dials
 * back or the command fails. Opening and closing are audited ({@code terminal.opened}, {@code
 * terminal.closed}). Thread-safe.
 */
@Service
public class TerminalSessions implements DisposableBean {

  /** The front door a session was opened through, as recorded in the audit log. */
  public enum Via {
    WEBSOCKET,
    SSH
  }

  private static final Logger log = LoggerFactory.getLogger(TerminalSessions.class);

  private final AccessControl access;
  private final ObjectProvider<DeviceCommands> commands;
  private final TerminalTunnels tunnels;
  private final AuditLog audit;
  private final FleetRepository fleets;
  private final ControlProperties properties;
  private final Clock clock;
  private final ExecutorService watchers =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "terminal-command-watch");
            thread.setDaemon(true);
            return thread;
          });

  public TerminalSessions(
      AccessControl access,
      ObjectProvider<DeviceCommands> commands,
      TerminalTunnels tunnels,
      AuditLog audit,
      FleetRepository fleets,
      ControlProperties properties,
      Clock clock) {
    this.access = access;
    this.commands = commands;
    this.tunnels = tunnels;
    this.audit = audit;
    this.fleets = fleets;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * Checks that {@code who} may open a terminal on device {@code uuid}.
   *
   * @return the device
   * @throws ApiException as {@link AccessControl#requireDevice} does
   */
  public Device authorize(Identity who, String uuid) {
    return access.requireDevice(who, uuid, Permission.DEVICE_CONTROL);
  }

  /**
   * Opens a terminal on device {@code uuid} for {@code who}, relaying to {@code user}. Blocks until
   * the device dials back, at most the dial timeout.
   *
   * @param service the service whose container to enter, or null for the device's host; it goes to
   *     the device in the command's {@code terminal} object
   * @return the session's bridge, through which the user's side sends input and resizes
   * @throws ApiException {@code INVALID_DEVICE_UUID} or {@code INVALID_PARAMETER} for a malformed
   *     device UUID or service name (see {@link TerminalTarget}); when {@code who} may not, when
   *     the channel is off or the device is offline (codes of {@link DeviceCommands#send}), {@code
   *     TERMINAL_LIMIT_REACHED}, or {@code TERMINAL_UNAVAILABLE} when the device did not dial in
   *     time or reported an error
   */
  public TerminalBridge open(
      Identity who, String uuid, String service, TerminalSize size, Via via, TerminalUser user) {
    new TerminalTarget(uuid, service);
    Device device = authorize(who, uuid);
    DeviceCommands sender = requireChannel();
    Session session = new Session(who, device, service, via, user.clientAddress());
    TerminalTunnels.NewTunnel created = tunnels.create(device.uuid(), user, session::ended);
    TerminalTunnel tunnel = created.tunnel();

    try {
      // The service goes in the terminal object, where the agent reads it. The command's own
      // service
      // field is for service commands, and open-terminal acts on the whole device.
      Command command =
          sender.send(
              who,
              device,
              CommandType.OPEN_TERMINAL,
              null,
              dialTimeout(),
              Map.of("terminal", terminalParameters(tunnel, created, service, size)));
      watchCommand(sender, command, tunnel);
      awaitDial(tunnel, device);
    } catch (RuntimeException e) {
      tunnels.discard(tunnel.id(), "opening failed: " + e.getMessage());
      throw e;
    }

    session.opened(tunnel.id());
    return tunnel.bridge();
  }

  @Override
  public void destroy() {
    watchers.shutdownNow();
  }

  private DeviceCommands requireChannel() {
    DeviceCommands sender = properties.enabled() ? commands.getIfAvailable() : null;
    if (sender == null) {
      throw new ApiException(
          ErrorCode.CONTROL_CHANNEL_UNAVAILABLE,
          "This server runs without the control channel (slipway.control.enabled=false), so it"
              + " opens no terminals: ask its administrator to enable it");
    }
    return sender;
  }

  private Map<String, Object> terminalParameters(
      TerminalTunnel tunnel, TerminalTunnels.NewTunnel created, String service, TerminalSize size) {
    // A HashMap, because the service is null for the device's host and Map.of refuses nulls.
    Map<String, Object> terminal = new HashMap<>();
    terminal.put("path", "/device/v1/" + tunnel.deviceUuid() + "/terminals/" + tunnel.id());
    terminal.put("token", created.token().value());
    terminal.put("service", service);
    terminal.put("cols", size.cols());
    terminal.put("rows", size.rows());
    return terminal;
  }

  /** Fails the wait for the dial as soon as the command fails, instead of at the timeout. */
  private void watchCommand(DeviceCommands sender, Command command, TerminalTunnel tunnel) {
    watchers.execute(
        () -> {
          try {
            Optional<Command> ended = sender.await(command.id(), dialTimeout());
            ended
                .filter(c -> c.status() == Command.Status.FAILED)
                .ifPresent(c -> tunnel.bridge().failDial(errorOf(c)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  private void awaitDial(TerminalTunnel tunnel, Device device) {
    try {
      tunnel.bridge().dialed().get(dialTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ApiException(
          ErrorCode.TERMINAL_UNAVAILABLE,
          "Device "
              + device.uuid()
              + " did not open the terminal within "
              + dialTimeout().toSeconds()
              + " s: check that it is online and that its agent can reach the server's API");
    } catch (ExecutionException e) {
      throw new ApiException(
          ErrorCode.TERMINAL_UNAVAILABLE,
          "Device " + device.uuid() + " cannot open the terminal: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(
          ErrorCode.TERMINAL_UNAVAILABLE, "Opening the terminal was interrupted: try again");
    }
  }

  private Duration dialTimeout() {
    return properties.terminal().dialTimeout();
  }

  private static String errorOf(Command command) {
    return command.error() == null ? "the device refused without a reason" : command.error();
  }

  /** The audit record of one session, from its opening to its end. */
  private final class Session {

    private final Identity who;
    private final Device device;
    private final String service;
    private final Via via;
    private final String clientAddress;
    private Instant openedAt;
    private String tunnelId;
    private TerminalEnd endBeforeOpened;

    Session(Identity who, Device device, String service, Via via, String clientAddress) {
      this.who = who;
      this.device = device;
      this.service = service;
      this.via = via;
      this.clientAddress = clientAddress;
    }

    synchronized void opened(String id) {
      tunnelId = id;
      openedAt = clock.instant();
      Map<String, Object> details = details();
      details.put("via", via.name().toLowerCase(Locale.ROOT));
      audit.record(
          who,
          "terminal.opened",
          "device",
          device.uuid(),
          organizationId(),
          details,
          clientAddress);
      log.info(
          "Terminal {} opened on device {} (service {}) by '{}' via {}",
          id,
          device.uuid(),
          service == null ? "host" : service,
          who.subject(),
          via);
      if (endBeforeOpened != null) {
        ended(endBeforeOpened);
      }
    }

    /**
     * Audits the end of a session. An end before {@link #opened} is kept until then, because a
     * shell may exit before the opening thread gets to record it; a session that never opened is
     * not audited.
     */
    synchronized void ended(TerminalEnd end) {
      if (openedAt == null) {
        endBeforeOpened = end;
        return;
      }
      Map<String, Object> details = details();
      details.put("durationSeconds", Duration.between(openedAt, clock.instant()).toSeconds());
      if (end.hasExitCode()) {
        details.put("exitCode", end.exitCode());
      } else {
        details.put("reason", end.reason());
      }
      try {
        audit.record(
            who,
            "terminal.closed",
            "device",
            device.uuid(),
            organizationId(),
            details,
            clientAddress);
      } catch (RuntimeException e) {
        log.error("Cannot audit the end of terminal {} of device {}", tunnelId, device.uuid(), e);
      }
    }

    private Map<String, Object> details() {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("tunnel", tunnelId);
      details.put("service", service);
      return details;
    }

    private Long organizationId() {
      return fleets.findById(device.fleetId()).map(f -> f.organizationId()).orElse(null);
    }
  }
}
