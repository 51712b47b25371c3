package io.slipway.cli.output;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** Formats the API's times, milliseconds since the epoch, for text output. Stateless. */
public final class EpochMillis {

  private EpochMillis() {}

  /**
   * Formats {@code millis} as an ISO-8601 instant in UTC, or {@code -} for a null or missing one.
   */
  public static String format(JsonNode millis) {
    if (millis == null || millis.isNull() || millis.isMissingNode()) {
      return "-";
    }
    return Instant.ofEpochMilli(millis.asLong()).toString();
  }
}
