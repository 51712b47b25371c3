package io.slipway.api.control.terminal;

import io.slipway.api.device.DeviceUuid;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.release.ReleaseServiceImage;

/**
 * The device, and optionally the service, that a user names to open a terminal on, from an SSH
 * command line or the terminal URL. Both are checked before anything logs or echoes them, so that a
 * crafted value cannot add a line to the log or flood the reply. Immutable.
 *
 * @param device the device UUID: 32 to 62 lower-case hex digits
 * @param service the service name, or null for the device's host
 */
public record TerminalTarget(String device, String service) {

  /** Maximum length of a whole SSH command line, in characters. */
  public static final int MAX_COMMAND_LENGTH = 256;

  /** Maximum number of characters of a rejected value that an error message repeats. */
  static final int MAX_ECHO = 40;

  /**
   * @throws ApiException {@code INVALID_DEVICE_UUID} or {@code INVALID_PARAMETER}, with a message
   *     that shows only a cut, printable form of the value
   */
  public TerminalTarget {
    requireDevice(device);
    if (service != null) {
      requireService(service);
    }
  }

  private static void requireDevice(String device) {
    try {
      new DeviceUuid(device);
    } catch (ApiException e) {
      // Its message repeats the whole value, so it is replaced rather than passed on.
      throw new ApiException(
          ErrorCode.INVALID_DEVICE_UUID,
          "Device '"
              + printable(device)
              + "' is not a device UUID: use the 32 to 62 lower-case hex digits that 'slipway"
              + " device list' shows");
    }
  }

  /**
   * Returns {@code value} as it may appear in a log line or an error message: characters outside
   * printable ASCII become '?', and a value longer than {@value #MAX_ECHO} characters is cut and
   * ends with "...".
   */
  public static String printable(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder shown = new StringBuilder();
    int end = Math.min(value.length(), MAX_ECHO);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      shown.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (value.length() > MAX_ECHO) {
      shown.append("...");
    }
    return shown.toString();
  }

  private static void requireService(String service) {
    try {
      ReleaseServiceImage.requireServiceName(service);
    } catch (IllegalArgumentException e) {
      // Its message repeats the whole value, so it is replaced rather than passed on.
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          "Service '"
              + printable(service)
              + "' is not a service name: use lower-case letters and digits separated by '.', '_'"
              + " or '-', at most 63 characters, such as 'web'");
    }
  }
}
