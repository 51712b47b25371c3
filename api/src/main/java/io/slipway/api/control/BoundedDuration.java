package io.slipway.api.control;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A range of ISO-8601 durations that a request field may take, such as the {@code for} of a
 * device's channel setting or of a support access grant. Immutable.
 *
 * @param min the shortest accepted duration
 * @param max the longest accepted duration
 * @param error the code of the error for a value outside the range or one that does not parse
 */
public record BoundedDuration(Duration min, Duration max, ErrorCode error) {

  public BoundedDuration {
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(error, "error");
  }

  /**
   * Parses {@code text}, the value of request field {@code field}.
   *
   * @throws ApiException with {@link #error()} when {@code text} is not an ISO-8601 duration or is
   *     outside the range; the message names the value and the range
   */
  public Duration parse(String field, String text) {
    Duration parsed;
    try {
      parsed = Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new ApiException(
          error,
          "'"
              + field
              + "' of '"
              + text
              + "' is not an ISO-8601 duration: write it like PT2H or P1D, from "
              + min
              + " to "
              + max);
    }
    if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
      throw new ApiException(
          error, "'" + field + "' of " + text + " is out of range: use " + min + " to " + max);
    }
    return parsed;
  }
}
