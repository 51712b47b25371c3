package io.slipway.api.device;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.util.regex.Pattern;

/**
 * The identifier a device generates for itself: 32 to 62 lower-case hex digits. Immutable.
 *
 * @param value the UUID
 */
public record DeviceUuid(String value) {

  private static final Pattern FORM = Pattern.compile("[0-9a-f]{32,62}");

  /**
   * @throws ApiException {@code INVALID_DEVICE_UUID} naming the value and the rule
   */
  public DeviceUuid {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new ApiException(
          ErrorCode.INVALID_DEVICE_UUID,
          "Invalid device UUID '"
              + value
              + "': use 32 to 62 lower-case hex digits, for example from 'openssl rand -hex 16'");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
