package io.slipway.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a non-negative {@link Duration} option: ISO-8601 such as {@code PT1H} or {@code P2D}, or a
 * whole number followed by one unit, {@code s} (seconds), {@code m} (minutes), {@code h} (hours) or
 * {@code d} (days), such as {@code 30s} or {@code 2d}. Stateless and thread-safe.
 */
public class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern SHORT_FORM = Pattern.compile("(\\d{1,9})([smhd])");

  /**
   * @throws TypeConversionException naming {@code text} and the accepted forms when it is neither
   *     form or is negative; picocli reports it as a usage error of the option
   */
  @Override
  public Duration convert(String text) {
    Duration duration = parse(text.strip());
    if (duration == null || duration.isNegative()) {
      throw new TypeConversionException(
          "Invalid duration '" + text + "': use for example PT1H, 1h or 30m");
    }
    return duration;
  }

  /** Returns the duration, or {@code null} when {@code text} is in neither form. */
  private static Duration parse(String text) {
    Matcher shortForm = SHORT_FORM.matcher(text);
    if (shortForm.matches()) {
      long amount = Long.parseLong(shortForm.group(1));
      return switch (shortForm.group(2)) {
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }

    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
