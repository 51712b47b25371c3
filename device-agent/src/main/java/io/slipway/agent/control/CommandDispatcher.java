package io.slipway.agent.control;

import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads each command payload, passes it to the handler of its type and returns the acknowledgement
 * to send. A command whose deadline has passed is acknowledged with the error {@code expired} and
 * not run. A command whose id arrived before is ignored, because QoS 1 may deliver a message twice;
 * the last {@link #REMEMBERED_IDS} ids are remembered.
 *
 * <p>Not thread-safe: the control channel calls it from its one command thread.
 */
public final class CommandDispatcher {

  /** How many command ids are remembered to recognize a redelivered command. */
  public static final int REMEMBERED_IDS = 1_000;

  private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);

  private final String device;
  private final Map<CommandType, CommandHandler> handlers;
  private final Clock clock;
  private final Map<String, Boolean> seen =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED_IDS;
        }
      };

  /**
   * Creates a dispatcher for the device {@code device}.
   *
   * @param handlers the handler of each type the device supports; other types are acknowledged with
   *     an error naming the type
   * @param clock the clock that deadlines are compared with
   */
  public CommandDispatcher(String device, Map<CommandType, CommandHandler> handlers, Clock clock) {
    this.device = device;
    this.handlers = handlers.isEmpty() ? Map.of() : new EnumMap<>(handlers);
    this.clock = clock;
  }

  /**
   * Handles one payload from the {@code commands} topic.
   *
   * @return the acknowledgement and what to do after it was sent, or empty for a redelivered
   *     command and for a payload without a readable id, which cannot be acknowledged
   */
  public Optional<Dispatched> dispatch(byte[] payload) {
    Command command;
    try {
      command = ControlJson.command(payload);
    } catch (IllegalArgumentException e) {
      return rejectUnreadable(payload, e);
    }

    if (seen.put(command.id(), Boolean.TRUE) != null) {
      log.debug("Device {} ignores command {}, which arrived before", device, command.id());
      return Optional.empty();
    }
    if (command.expiredAt(clock.instant())) {
      log.warn(
          "Device {} ignores command {} ({}): its deadline {} has passed",
          device,
          command.id(),
          command.type().wireName(),
          command.deadline());
      return dispatched(Ack.failure(command.id(), "expired"), null);
    }
    return run(command);
  }

  private Optional<Dispatched> run(Command command) {
    CommandHandler handler = handlers.get(command.type());
    if (handler == null) {
      String error =
          "Command type " + command.type().wireName() + " is not supported by this device";
      log.warn("Device {} cannot run command {}: {}", device, command.id(), error);
      return dispatched(Ack.failure(command.id(), error), null);
    }

    log.info("Device {} runs command {} ({})", device, command.id(), command.type().wireName());
    try {
      CommandHandler.Reply reply = handler.handle(command);
      log.info("Command {} of device {} succeeded: {}", command.id(), device, reply.result());
      return dispatched(Ack.success(command.id(), reply.result()), reply.afterAck());
    } catch (RuntimeException e) {
      String error = e.getMessage() == null ? e.toString() : e.getMessage();
      log.warn("Command {} of device {} failed: {}", command.id(), device, error);
      return dispatched(Ack.failure(command.id(), error), null);
    }
  }

  private Optional<Dispatched> rejectUnreadable(byte[] payload, IllegalArgumentException e) {
    String id = ControlJson.commandId(payload);
    if (id == null) {
      log.warn("Device {} dropped a command without a readable id: {}", device, e.getMessage());
      return Optional.empty();
    }
    if (seen.put(id, Boolean.TRUE) != null) {
      return Optional.empty();
    }
    log.warn("Device {} cannot read command {}: {}", device, id, e.getMessage());
    return dispatched(Ack.failure(id, "Invalid command: " + e.getMessage()), null);
  }

  private static Optional<Dispatched> dispatched(Ack ack, Runnable afterAck) {
    return Optional.of(new Dispatched(ack, afterAck));
  }

  /**
   * A handled command.
   *
   * @param ack the acknowledgement to publish
   * @param afterAck what to run once it was sent, or null
   */
  public record Dispatched(Ack ack, Runnable afterAck) {}
}
