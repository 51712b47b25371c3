package io.slipway.api.targetstate;

import java.util.Arrays;
import java.util.Locale;

/** The status a device reports for one service of its release, in lower case on the wire. */
public enum ServiceStatus {
  DOWNLOADING,
  INSTALLING,
  RUNNING,
  EXITED,
  FAILED;

  /**
   * Parses the wire form, such as {@code running}.
   *
   * @throws IllegalArgumentException naming {@code text} and the accepted values
   */
  public static ServiceStatus parse(String text) {
    for (ServiceStatus status : values()) {
      if (status.wireName().equals(text)) {
        return status;
      }
    }
    throw new IllegalArgumentException(
        "Service status '"
            + text
            + "' is unknown: send one of "
            + Arrays.stream(values()).map(ServiceStatus::wireName).toList());
  }

  /** Returns the lower-case form used in JSON. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
