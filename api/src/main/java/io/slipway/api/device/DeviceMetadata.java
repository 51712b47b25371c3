package io.slipway.api.device;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checked changes to the fields a device reports about itself; a null field stays as stored.
 * Immutable.
 *
 * @param name display name, 1 to 255 characters
 * @param osVersion OS version, at most 128 characters
 * @param addresses IP addresses, stored space-separated, at most 1,024 characters in all
 * @param status what the device is doing: upper-case letters and underscores, such as {@code IDLE}
 */
public record DeviceMetadata(String name, String osVersion, String addresses, String status) {

  private static final Pattern STATUS = Pattern.compile("[A-Z][A-Z_]{0,31}");
  private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.%a-z]{1,64}");

  /**
   * Checks and builds the change.
   *
   * @throws ApiException {@code INVALID_REQUEST_BODY} naming the field at fault
   */
  public static DeviceMetadata of(
      String name, String osVersion, List<String> addresses, String status) {
    String checkedName = name == null ? null : name.strip();
    if (checkedName != null && (checkedName.isEmpty() || checkedName.length() > 255)) {
      throw invalid("name '" + checkedName + "': use 1 to 255 characters");
    }
    if (osVersion != null && (osVersion.isBlank() || osVersion.length() > 128)) {
      throw invalid("osVersion '" + osVersion + "': use 1 to 128 characters");
    }
    if (status != null && !STATUS.matcher(status).matches()) {
      throw invalid(
          "status '" + status + "': use upper-case letters and '_', such as IDLE or UPDATING");
    }
    return new DeviceMetadata(checkedName, osVersion, joinAddresses(addresses), status);
  }

  private static String joinAddresses(List<String> addresses) {
    if (addresses == null) {
      return null;
    }
    for (String address : addresses) {
      if (address == null || !ADDRESS.matcher(address).matches()) {
        throw invalid("address '" + address + "': send IPv4 or IPv6 addresses as strings");
      }
    }
    String joined = String.join(" ", addresses);
    if (joined.length() > 1024) {
      throw invalid("addresses of " + joined.length() + " characters: send at most 1,024");
    }
    return joined;
  }

  /** Splits the stored space-separated form into a list. */
  public static List<String> splitAddresses(String stored) {
    return stored == null || stored.isBlank() ? List.of() : List.of(stored.split(" "));
  }

  private static ApiException invalid(String problem) {
    return new ApiException(ErrorCode.INVALID_REQUEST_BODY, "Invalid device " + problem);
  }
}
