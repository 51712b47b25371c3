package io.slipway.api.control.command;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.control.ControlProperties;
import io.slipway.api.control.broker.ControlBrokerException;
import io.slipway.api.control.link.ControlLink;
import io.slipway.api.device.Device;
import io.slipway.api.device.DeviceRepository;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Sends {@code update} or {@code identify} to every device of a fleet that is online with the
 * channel on. The commands share a batch id, are inserted in statement batches and then published;
 * one audit entry records the request. Thread-safe.
 */
@Service
public class FleetCommands {

  private static final Logger log = LoggerFactory.getLogger(FleetCommands.class);

  private final CommandService single;
  private final CommandRepository commands;
  private final CommandChannel channel;
  private final CommandIds ids;
  private final DeviceRepository devices;
  private final AuditLog audit;
  private final ControlProperties properties;
  private final Clock clock;

  FleetCommands(
      CommandService single,
      CommandRepository commands,
      CommandChannel channel,
      CommandIds ids,
      DeviceRepository devices,
      AuditLog audit,
      ControlProperties properties,
      Clock clock) {
    this.single = single;
    this.commands = commands;
    this.channel = channel;
    this.ids = ids;
    this.devices = devices;
    this.audit = audit;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * The outcome of a fleet-wide request.
   *
   * @param batchId the id shared by its commands
   * @param commands the commands published, in device UUID order
   */
  public record Batch(String batchId, List<Command> commands) {

    public Batch {
      commands = List.copyOf(commands);
    }
  }

  /**
   * Sends {@code type} to the reachable devices of {@code fleet} on behalf of {@code who}, who has
   * already been checked for the permission to control them.
   *
   * @param timeout how long each device has to answer; null for the server's default
   * @throws io.slipway.api.error.ApiException {@code CONTROL_CHANNEL_UNAVAILABLE} when the server
   *     runs without the channel
   */
  public Batch send(Identity who, Fleet fleet, CommandType type, Duration timeout) {
    ControlLink link = channel.requireLink();
    Duration limit = timeout == null ? properties.commandTimeout() : timeout;
    String batchId = ids.newBatchId();

    List<Device> approved =
        devices.findByFleet(fleet.id()).stream().filter(Device::approved).toList();
    List<CommandRepository.NewRow> rows = new ArrayList<>();
    for (Device device : channel.reachable(link, fleet.id(), approved)) {
      Command command = single.newCommand(who, device.uuid(), type, null, limit);
      rows.add(new CommandRepository.NewRow(command, device.id()));
    }
    commands.insertAll(rows, batchId);
    // Inserting many thousand rows takes seconds, so each device's time to acknowledge starts now,
    // just before the first publish, rather than when its command was built.
    rows = startDeadlines(batchId, rows, limit);
    List<Command> sent = publishAll(link, batchId, rows);

    audit.record(
        who,
        "device.command.sent",
        "fleet",
        fleet.repositoryPrefix(),
        fleet.organizationId(),
        Map.of("batch", batchId, "type", type.wireName(), "sent", sent.size()));
    log.info(
        "Command batch {} ({}) sent to {} of the devices of fleet {} by '{}'",
        batchId,
        type.wireName(),
        sent.size(),
        fleet.repositoryPrefix(),
        who.subject());
    return new Batch(batchId, sent);
  }

  /** Moves the deadlines of the batch's stored commands to {@code limit} from now. */
  private List<CommandRepository.NewRow> startDeadlines(
      String batchId, List<CommandRepository.NewRow> rows, Duration limit) {
    if (rows.isEmpty()) {
      return rows;
    }
    Instant deadline = clock.instant().plus(limit);
    commands.setBatchDeadline(batchId, deadline.toEpochMilli());
    return rows.stream()
        .map(
            row ->
                new CommandRepository.NewRow(row.command().withDeadline(deadline), row.deviceId()))
        .toList();
  }

  /**
   * Publishes each row's command in order. When the broker does not take one, that command and all
   * after it end {@code FAILED} unsent, because the link is down for them too. Returns the commands
   * that were published.
   */
  private List<Command> publishAll(
      ControlLink link, String batchId, List<CommandRepository.NewRow> rows) {
    List<Command> sent = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Command command = rows.get(i).command();
      try {
        link.publish(command.deviceUuid(), CommandMessages.command(command, Map.of()));
        sent.add(command);
      } catch (ControlBrokerException e) {
        List<String> unsent =
            rows.subList(i, rows.size()).stream().map(row -> row.command().id()).toList();
        commands.fail(unsent, "not sent: " + e.getMessage(), clock.millis());
        log.warn(
            "{} commands of batch {} were not published, from {} to device {} on: {}",
            unsent.size(),
            batchId,
            command.id(),
            command.deviceUuid(),
            e.getMessage());
        break;
      }
    }
    return sent;
  }
}
