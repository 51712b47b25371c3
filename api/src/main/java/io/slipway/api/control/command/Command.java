package io.slipway.api.control.command;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One command sent to one device, as stored. Immutable.
 *
 * @param id public id, {@code cmd_} and 26 characters
 * @param deviceUuid the device
 * @param type what the device was asked to do
 * @param service the service of a service command, else null
 * @param status {@code PENDING}, {@code SUCCEEDED}, {@code FAILED} or {@code TIMED_OUT}
 * @param result the result message the device sent, or null
 * @param error why the device failed, or null
 * @param createdBy subject of whoever sent it ({@code system} for the server's own)
 * @param createdAt when it was sent
 * @param deadline when it times out unless the device answered
 * @param completedAt when it ended, or null while pending
 */
public record Command(
    String id,
    String deviceUuid,
    CommandType type,
    String service,
    Status status,
    String result,
    String error,
    String createdBy,
    Instant createdAt,
    Instant deadline,
    Instant completedAt) {

  /** The state of a command. */
  public enum Status {
    PENDING,
    SUCCEEDED,
    FAILED,
    TIMED_OUT
  }

  public Command {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(deviceUuid, "deviceUuid");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(deadline, "deadline");
  }

  /**
   * Builds a {@code PENDING} command with no result yet, which times out {@code timeout} after
   * {@code createdAt}.
   *
   * @throws NullPointerException when {@code id}, {@code deviceUuid}, {@code type}, {@code
   *     createdAt} or {@code timeout} is null
   */
  public static Command pending(
      String id,
      String deviceUuid,
      CommandType type,
      String service,
      String createdBy,
      Instant createdAt,
      Duration timeout) {
    return new Command(
        id,
        deviceUuid,
        type,
        service,
        Status.PENDING,
        null,
        null,
        createdBy,
        createdAt,
        createdAt.plus(timeout),
        null);
  }

  /** Returns this command with {@code newDeadline} as its deadline. */
  public Command withDeadline(Instant newDeadline) {
    return new Command(
        id,
        deviceUuid,
        type,
        service,
        status,
        result,
        error,
        createdBy,
        createdAt,
        newDeadline,
        completedAt);
  }
}
