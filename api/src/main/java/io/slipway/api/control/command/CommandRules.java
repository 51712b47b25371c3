package io.slipway.api.control.command;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.release.ReleaseServiceImage;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** The checks of command requests, each failing with {@code 400} and a message naming the value. */
final class CommandRules {

  /** Shortest and longest time a request may give a device to answer. */
  static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);

  static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  /** Longest {@code wait} of a read. */
  static final Duration MAX_WAIT = Duration.ofSeconds(60);

  /** Most commands one list returns. */
  static final int MAX_LIMIT = 500;

  /** Types that the server sends on its own and requests may not. */
  static final Set<CommandType> SERVER_ONLY =
      EnumSet.of(CommandType.DISABLE_CHANNEL, CommandType.OPEN_TERMINAL);

  /** Types that a request for one device may send. */
  static final Set<CommandType> REQUESTABLE = EnumSet.complementOf(EnumSet.copyOf(SERVER_ONLY));

  /** Types that a fleet-wide request may send. */
  static final Set<CommandType> FLEET_WIDE = EnumSet.of(CommandType.UPDATE, CommandType.IDENTIFY);

  private CommandRules() {}

  /**
   * Parses the type of a request for one device.
   *
   * @throws ApiException {@code INVALID_COMMAND} for a missing or unknown type, or one the server
   *     sends on its own
   */
  static CommandType requestedType(String name) {
    CommandType type = parseType(name, REQUESTABLE);
    if (SERVER_ONLY.contains(type)) {
      throw invalid(
          "Command '"
              + name
              + "' is sent by the server itself and cannot be requested: use one of "
              + names(REQUESTABLE));
    }
    return type;
  }

  /**
   * Parses the type of a fleet-wide request.
   *
   * @throws ApiException {@code INVALID_COMMAND} for any type but {@code update} and {@code
   *     identify}
   */
  static CommandType fleetType(String name) {
    CommandType type = parseType(name, FLEET_WIDE);
    if (!FLEET_WIDE.contains(type)) {
      throw invalid(
          "Command '"
              + name
              + "' cannot be sent to a whole fleet: use "
              + names(FLEET_WIDE)
              + ", or send it to each device");
    }
    return type;
  }

  /**
   * Checks that {@code service} is given for the types that act on a service, left out for the
   * types that act on the whole device, and a valid service name. {@code open-terminal} takes a
   * service or none: a shell in that service's container, or on the device's host.
   *
   * @throws ApiException {@code INVALID_COMMAND} naming the type and the service
   */
  static void requireService(CommandType type, String service) {
    if (type.needsService() && (service == null || service.isEmpty())) {
      throw invalid("Command '" + type.wireName() + "' needs a service: add \"service\": \"NAME\"");
    }
    if (!type.needsService() && service != null && type != CommandType.OPEN_TERMINAL) {
      throw invalid(
          "Command '"
              + type.wireName()
              + "' acts on the whole device, not on service '"
              + service
              + "': leave out \"service\"");
    }
    if (service != null) {
      try {
        ReleaseServiceImage.requireServiceName(service);
      } catch (IllegalArgumentException e) {
        throw invalid(e.getMessage());
      }
    }
  }

  /**
   * Parses a request's {@code timeout}; null keeps the server's default.
   *
   * @throws ApiException {@code INVALID_COMMAND} for text that is not an ISO-8601 duration or lies
   *     outside PT1S to PT10M
   */
  static Duration timeout(String text) {
    if (text == null) {
      return null;
    }
    Duration timeout = parseDuration("timeout", text, ErrorCode.INVALID_COMMAND);
    if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw invalid(
          "timeout " + text + " is out of range: use " + MIN_TIMEOUT + " to " + MAX_TIMEOUT);
    }
    return timeout;
  }

  /**
   * Parses a read's {@code wait}; null is no wait.
   *
   * @throws ApiException {@code INVALID_PARAMETER} for text that is not an ISO-8601 duration or
   *     lies outside PT0S to PT60S
   */
  static Duration waitTime(String text) {
    if (text == null) {
      return Duration.ZERO;
    }
    Duration wait = parseDuration("wait", text, ErrorCode.INVALID_PARAMETER);
    if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "wait " + text + " is out of range: use PT0S to " + MAX_WAIT);
    }
    return wait;
  }

  /**
   * Checks a list's {@code limit}.
   *
   * @throws ApiException {@code INVALID_PARAMETER} outside 1 to {@value #MAX_LIMIT}
   */
  static int limit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "limit " + limit + " is out of range: use 1 to " + MAX_LIMIT);
    }
    return limit;
  }

  /**
   * Checks a timeout given by server code.
   *
   * @throws IllegalArgumentException for zero or a negative duration
   */
  static void requirePositive(Duration timeout) {
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("A command's timeout must be positive, not " + timeout);
    }
  }

  /** Parses {@code name}; the error lists {@code allowed}, the types the request may send. */
  private static CommandType parseType(String name, Set<CommandType> allowed) {
    if (name == null || name.isEmpty()) {
      throw invalid("The request names no command: add \"type\", one of " + names(allowed));
    }
    try {
      return CommandType.fromWireName(name);
    } catch (IllegalArgumentException e) {
      throw invalid("Unknown command '" + name + "': use one of " + names(allowed));
    }
  }

  private static Duration parseDuration(String field, String text, ErrorCode code) {
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new ApiException(
          code,
          field + " '" + text + "' is not an ISO-8601 duration: write it as, for example, PT30S");
    }
  }

  private static String names(Set<CommandType> types) {
    return types.stream().map(CommandType::wireName).collect(Collectors.joining(", "));
  }

  private static ApiException invalid(String message) {
    return new ApiException(ErrorCode.INVALID_COMMAND, message);
  }
}
