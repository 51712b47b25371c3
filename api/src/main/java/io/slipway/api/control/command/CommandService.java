package io.slipway.api.control.command;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.control.ControlProperties;
import io.slipway.api.control.broker.ControlBrokerException;
import io.slipway.api.control.command.Command.Status;
import io.slipway.api.control.link.ControlLink;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Sends commands to single devices, stores them, and ends them when the device answers or the
 * deadline passes. A command is stored {@code PENDING} before it is published, so that an answer
 * arriving at once finds its row. Acknowledgements are handled by {@link CommandAcks}; overdue
 * commands are ended by {@link CommandSweeper}. Thread-safe.
 */
@Service
public class CommandService implements DeviceCommands {

  private static final Logger log = LoggerFactory.getLogger(CommandService.class);

  private final CommandRepository commands;
  private final CommandChannel channel;
  private final CommandIds ids;
  private final CommandWaiters waiters;
  private final FleetRepository fleets;
  private final AuditLog audit;
  private final ControlProperties properties;
  private final Clock clock;

  CommandService(
      CommandRepository commands,
      CommandChannel channel,
      CommandIds ids,
      CommandWaiters waiters,
      FleetRepository fleets,
      AuditLog audit,
      ControlProperties properties,
      Clock clock) {
    this.commands = commands;
    this.channel = channel;
    this.ids = ids;
    this.waiters = waiters;
    this.fleets = fleets;
    this.audit = audit;
    this.properties = properties;
    this.clock = clock;
  }

  @Override
  public Command send(
      Identity who,
      Device device,
      CommandType type,
      String service,
      Duration timeout,
      Map<String, Object> parameters) {
    CommandRules.requireService(type, service);
    Duration limit = timeout == null ? properties.commandTimeout() : timeout;
    CommandRules.requirePositive(limit);
    ControlLink link = channel.requireLink();
    channel.requireReachable(link, device);

    Command command = newCommand(who, device.uuid(), type, service, limit);
    byte[] message;
    try {
      message = CommandMessages.command(command, parameters);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_COMMAND, e.getMessage());
    }
    commands.insert(new CommandRepository.NewRow(command, device.id()), null);
    publish(link, device, command, message);

    audit.record(
        who,
        "device.command.sent",
        "device",
        device.uuid(),
        organizationOf(device),
        details(command));
    log.info(
        "Command {} ({}) sent to device {} by '{}', deadline {}",
        command.id(),
        type.wireName(),
        device.uuid(),
        who.subject(),
        command.deadline());
    return command;
  }

  @Override
  public Optional<Command> await(String commandId, Duration max) throws InterruptedException {
    CompletableFuture<Void> ended = waiters.join(commandId);
    try {
      Optional<Command> current = commands.findById(commandId);
      if (current.isEmpty() || current.get().status() != Status.PENDING || max.isZero()) {
        return current;
      }
      CommandWaiters.await(ended, max);
      return commands.findById(commandId);
    } finally {
      waiters.leave(commandId);
    }
  }

  /** Returns command {@code commandId} of {@code device}, if it is one of the device's. */
  public Optional<Command> find(Device device, String commandId) {
    return commands.findById(commandId).filter(found -> found.deviceUuid().equals(device.uuid()));
  }

  /** Returns the latest {@code limit} commands of {@code device}, newest first. */
  public List<Command> latest(Device device, int limit) {
    return commands.findByDevice(device.id(), limit);
  }

  /** Builds a pending command created now by {@code who}. */
  Command newCommand(
      Identity who, String deviceUuid, CommandType type, String service, Duration timeout) {
    return Command.pending(
        ids.newCommandId(), deviceUuid, type, service, who.subject(), clock.instant(), timeout);
  }

  /**
   * Publishes {@code message}; when the broker does not take it, ends the command {@code FAILED}
   * and reports the channel unavailable.
   */
  private void publish(ControlLink link, Device device, Command command, byte[] message) {
    try {
      link.publish(device.uuid(), message);
    } catch (ControlBrokerException e) {
      commands.complete(
          command.id(),
          device.id(),
          Status.FAILED,
          null,
          "not sent: " + e.getMessage(),
          clock.millis());
      log.warn(
          "Command {} ({}) to device {} could not be published: {}",
          command.id(),
          command.type().wireName(),
          device.uuid(),
          e.getMessage());
      throw new ApiException(
          ErrorCode.CONTROL_CHANNEL_UNAVAILABLE,
          "Command " + command.id() + " was not sent: " + e.getMessage());
    }
  }

  private Long organizationOf(Device device) {
    return fleets.findById(device.fleetId()).map(fleet -> fleet.organizationId()).orElse(null);
  }

  /** Returns the audit details of {@code command}. */
  static Map<String, Object> details(Command command) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("command", command.id());
    details.put("type", command.type().wireName());
    if (command.service() != null) {
      details.put("service", command.service());
    }
    return details;
  }
}
