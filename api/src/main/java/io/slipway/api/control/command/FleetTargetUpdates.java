package io.slipway.api.control.command;

import io.slipway.api.control.ControlProperties;
import io.slipway.api.control.broker.ControlBrokerException;
import io.slipway.api.control.link.ControlLink;
import io.slipway.api.device.Device;
import io.slipway.api.device.DeviceRepository;
import io.slipway.api.event.FleetTargetChanged;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Tells devices to poll their target state at once when it changed: after each {@link
 * FleetTargetChanged} commits, it publishes an {@code update} message to every device concerned
 * that is online with the channel on. Such messages have an id but no stored command, and no answer
 * is expected. The work runs on {@link CommandExecutors#updates()}, so the request that changed the
 * target neither waits for it nor fails with it; a broker that is down costs one WARN per event,
 * and devices then learn the change at their next poll.
 */
@Component
class FleetTargetUpdates {

  private static final Logger log = LoggerFactory.getLogger(FleetTargetUpdates.class);

  private final CommandChannel channel;
  private final DeviceRepository devices;
  private final CommandIds ids;
  private final TaskExecutor executor;
  private final ControlProperties properties;
  private final Clock clock;

  FleetTargetUpdates(
      CommandChannel channel,
      DeviceRepository devices,
      CommandIds ids,
      CommandExecutors executors,
      ControlProperties properties,
      Clock clock) {
    this.channel = channel;
    this.devices = devices;
    this.ids = ids;
    this.executor = executors.updates();
    this.properties = properties;
    this.clock = clock;
  }

  // fallbackExecution: an event published outside a transaction is handled at once.
  @TransactionalEventListener(fallbackExecution = true)
  void onFleetTargetChanged(FleetTargetChanged event) {
    Optional<ControlLink> link = channel.link();
    if (link.isEmpty()) {
      return;
    }
    try {
      executor.execute(() -> notifyDevices(link.get(), event));
    } catch (RejectedExecutionException e) {
      log.warn(
          "Devices of fleet {} are not told of the target change ({}): {} changes are queued"
              + " already; they learn it at their next poll",
          event.fleetId(),
          event.reason(),
          CommandExecutors.QUEUE);
    }
  }

  /** Publishes {@code update} to the reachable devices concerned by {@code event}. */
  void notifyDevices(ControlLink link, FleetTargetChanged event) {
    int sent = 0;
    try {
      for (Device device : channel.reachable(link, event.fleetId(), concerned(event))) {
        link.publish(
            device.uuid(),
            CommandMessages.update(
                ids.newCommandId(), clock.instant().plus(properties.commandTimeout())));
        sent++;
      }
    } catch (ControlBrokerException | org.springframework.dao.DataAccessException e) {
      log.warn(
          "Devices of fleet {} were not all told of the target change ({}) after {} messages: {};"
              + " the others learn it at their next poll",
          event.fleetId(),
          event.reason(),
          sent,
          e.getMessage());
      return;
    }
    log.debug("Told {} devices of fleet {} to update ({})", sent, event.fleetId(), event.reason());
  }

  /** Returns the devices of the event's fleet that it names, or all of them when it names none. */
  private List<Device> concerned(FleetTargetChanged event) {
    if (event.deviceUuids().isEmpty()) {
      return devices.findByFleet(event.fleetId());
    }
    return event.deviceUuids().stream()
        .map(devices::findByUuid)
        .flatMap(Optional::stream)
        .filter(device -> device.fleetId() == event.fleetId())
        .toList();
  }
}
