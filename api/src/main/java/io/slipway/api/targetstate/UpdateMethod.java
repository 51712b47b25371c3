package io.slipway.api.targetstate;

import java.util.Arrays;
import java.util.Locale;

/** Method by which a device fetches a service's new image, written in lower case on the wire. */
public enum UpdateMethod {
  /** A signed delta from the image the service ran before. */
  DELTA,
  /** Every missing blob from the registry. */
  FULL;

  /**
   * Parses the wire form, such as {@code delta}.
   *
   * @throws IllegalArgumentException naming {@code text} and the accepted values
   */
  public static UpdateMethod parse(String text) {
    for (UpdateMethod method : values()) {
      if (method.wireName().equals(text)) {
        return method;
      }
    }
    throw new IllegalArgumentException(
        "Update method '"
            + text
            + "' is unknown: send one of "
            + Arrays.stream(values()).map(UpdateMethod::wireName).toList());
  }

  /** Returns the lower-case form used in JSON. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
