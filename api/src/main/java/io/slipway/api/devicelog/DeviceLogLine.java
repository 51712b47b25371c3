package io.slipway.api.devicelog;

/**
 * One log line as a device sends it. Immutable.
 *
 * @param timestamp when the device wrote the line, milliseconds since the epoch by its own clock
 * @param service the service that wrote it, or null for the device itself
 * @param message the text of the line, at most {@link #MAX_MESSAGE_CHARS} characters
 * @param isStderr true when the service wrote it to standard error
 * @param isSystem true when the device's supervisor wrote it rather than a service
 */
public record DeviceLogLine(
    long timestamp, String service, String message, boolean isStderr, boolean isSystem) {

  /** Maximum message length in UTF-16 characters. */
  public static final int MAX_MESSAGE_CHARS = 10_000;

  /** Maximum service name length, the size of the {@code device_log.service} column. */
  public static final int MAX_SERVICE_CHARS = 63;

  /**
   * @throws IllegalArgumentException naming the value when the message is null or too long, the
   *     service name is blank or too long, or the timestamp is negative
   */
  public DeviceLogLine {
    if (timestamp < 0) {
      throw new IllegalArgumentException(
          "timestamp " + timestamp + " is negative: send milliseconds since the epoch");
    }
    if (message == null) {
      throw new IllegalArgumentException("message is missing: send the text of the line");
    }
    if (message.length() > MAX_MESSAGE_CHARS) {
      throw new IllegalArgumentException(
          "message has "
              + message.length()
              + " characters, more than "
              + MAX_MESSAGE_CHARS
              + ": split it into several lines");
    }
    if (service != null && (service.isBlank() || service.length() > MAX_SERVICE_CHARS)) {
      throw new IllegalArgumentException(
          "service '"
              + service
              + "' must be 1 to "
              + MAX_SERVICE_CHARS
              + " characters: send the service name, or leave it out for the device itself");
    }
  }
}
