package io.slipway.api.control.command;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.control.command.Command.Status;
import io.slipway.api.control.link.ControlLink;
import io.slipway.api.control.link.WarningLimiter;
import io.slipway.api.identity.Identity;
import jakarta.annotation.PostConstruct;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Ends commands when their devices acknowledge them. The link hands over each event on its own
 * thread, which must not block, so events are queued for {@link CommandExecutors#acks()}. An
 * acknowledgement counts only when it arrives on the events topic of the command's own device and
 * the command is still pending. Every other acknowledgement is ignored. Thread-safe.
 */
@Component
class CommandAcks {

  private static final Logger log = LoggerFactory.getLogger(CommandAcks.class);

  private final ObjectProvider<ControlLink> links;
  private final CommandRepository commands;
  private final CommandWaiters waiters;
  private final AuditLog audit;
  private final TaskExecutor executor;
  private final Clock clock;
  private final WarningLimiter warnings;

  CommandAcks(
      ObjectProvider<ControlLink> links,
      CommandRepository commands,
      CommandWaiters waiters,
      AuditLog audit,
      CommandExecutors executors,
      Clock clock) {
    this.links = links;
    this.commands = commands;
    this.waiters = waiters;
    this.audit = audit;
    this.executor = executors.acks();
    this.clock = clock;
    this.warnings = new WarningLimiter(20, clock);
  }

  @PostConstruct
  void listen() {
    links.ifAvailable(link -> link.onEvent(this::enqueue));
  }

  /** Queues one event of device {@code uuid}; called on the link's thread. */
  void enqueue(String uuid, byte[] payload) {
    try {
      executor.execute(() -> handle(uuid, payload));
    } catch (RejectedExecutionException e) {
      warn(
          "Dropped an event of device {}: {} events are queued already",
          uuid,
          CommandExecutors.QUEUE);
    }
  }

  /** Applies one event of device {@code uuid}. */
  void handle(String uuid, byte[] payload) {
    Optional<Ack> parsed;
    try {
      parsed = CommandMessages.parseAck(payload);
    } catch (IllegalArgumentException e) {
      warn("Dropped a malformed event of device {}: {}", uuid, e.getMessage());
      return;
    }
    if (parsed.isEmpty()) {
      log.debug("Ignored an event of device {} that is not an acknowledgement", uuid);
      return;
    }
    Ack ack = parsed.get();

    Optional<CommandRepository.Owned> owned = commands.findOwned(ack.commandId());
    if (owned.isEmpty()) {
      // Fleet-wide update messages have ids without rows; agents may acknowledge them.
      log.debug("Device {} acknowledged {}, but no such command is stored", uuid, ack.commandId());
      return;
    }
    if (!owned.get().command().deviceUuid().equals(uuid)) {
      warn(
          "Ignored an acknowledgement from device {} for command {} of another device",
          uuid,
          ack.commandId());
      return;
    }
    complete(owned.get(), ack);
  }

  private void complete(CommandRepository.Owned owned, Ack ack) {
    Command command = owned.command();
    if (command.status() != Status.PENDING
        || !commands.complete(
            command.id(),
            owned.deviceId(),
            ack.status(),
            ack.result(),
            ack.error(),
            clock.millis())) {
      log.debug(
          "Device {} acknowledged command {}, which had ended already",
          command.deviceUuid(),
          command.id());
      return;
    }

    Map<String, Object> details = CommandService.details(command);
    details.put("status", ack.status().name());
    if (ack.error() != null) {
      details.put("error", cut(ack.error()));
    }
    audit.record(
        Identity.device(owned.deviceId(), command.deviceUuid(), owned.fleetId()),
        "device.command.completed",
        "device",
        command.deviceUuid(),
        owned.organizationId(),
        details);
    log.info(
        "Command {} ({}) of device {} {}: {}",
        command.id(),
        command.type().wireName(),
        command.deviceUuid(),
        ack.status(),
        ack.ok() ? ack.result() : ack.error());
    waiters.ended(command.id());
  }

  private void warn(String format, Object... arguments) {
    warnings.warn(log, format, arguments);
  }

  private static String cut(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
