package io.slipway.cli.device;

import io.slipway.cli.client.SlipwayClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.databind.JsonNode;

/**
 * Waits for a command to end with {@code GET .../commands/{id}?wait=}, repeating the request
 * because the server keeps one open for at most 60 seconds. Not thread-safe.
 */
final class CommandWaiter {

  /** The longest {@code wait} the server accepts. */
  private static final Duration MAX_REQUEST_WAIT = Duration.ofSeconds(60);

  /**
   * How long past a command's deadline to keep waiting for the server to end it, because its sweep
   * runs only every {@code slipway.control.command-sweep}.
   */
  private static final Duration SWEEP_GRACE = Duration.ofMinutes(1);

  private final SlipwayClient client;
  private final String device;
  private final Clock clock;

  CommandWaiter(SlipwayClient client, String device) {
    this.client = client;
    this.device = device;
    this.clock = Clock.systemUTC();
  }

  /**
   * Returns {@code command} as it is once it ended, or as it is when {@code limit} ran out, or one
   * minute after its deadline, while it is still {@code PENDING}.
   *
   * @param limit the longest time to wait, or null to wait until the command ends
   */
  JsonNode awaitEnd(JsonNode command, Duration limit) {
    Instant giveUp = giveUpAt(command, limit);
    String path = DevicePaths.commands(device) + "/" + SlipwayClient.encode(id(command));

    JsonNode current = command;
    while (isPending(current)) {
      Duration left = Duration.between(clock.instant(), giveUp);
      if (left.isNegative() || left.isZero()) {
        return current;
      }
      current = client.get(path + "?wait=" + requestWait(left));
    }
    return current;
  }

  private Instant giveUpAt(JsonNode command, Duration limit) {
    Instant afterDeadline = deadline(command).plus(SWEEP_GRACE);
    if (limit == null) {
      return afterDeadline;
    }
    Instant afterLimit = clock.instant().plus(limit);
    return afterLimit.isBefore(afterDeadline) ? afterLimit : afterDeadline;
  }

  /** Returns the request's wait in whole seconds, from 1 to the server's maximum. */
  private static Duration requestWait(Duration left) {
    long seconds = Math.max(1, (left.toMillis() + 999) / 1000);
    return Duration.ofSeconds(Math.min(seconds, MAX_REQUEST_WAIT.toSeconds()));
  }

  private static boolean isPending(JsonNode command) {
    return command.path("status").asString().equals("PENDING");
  }

  private static String id(JsonNode command) {
    return command.path("id").asString();
  }

  private Instant deadline(JsonNode command) {
    try {
      return Instant.parse(command.path("deadline").asString());
    } catch (DateTimeParseException e) {
      // NOTE: a server that sends no deadline gets the longest command timeout, ten minutes.
      return clock.instant().plus(Duration.ofMinutes(10));
    }
  }
}
