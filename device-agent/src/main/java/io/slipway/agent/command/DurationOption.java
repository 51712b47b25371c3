package io.slipway.agent.command;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts a duration option: a whole number with a unit, {@code ms}, {@code s}, {@code m} or
 * {@code h} (such as {@code 1s} or {@code 10m}), or ISO-8601 such as {@code PT10S}. Rejects zero
 * and negative durations. Stateless and thread-safe.
 */
public final class DurationOption implements ITypeConverter<Duration> {

  /**
   * @throws TypeConversionException naming the text and the accepted forms
   */
  @Override
  public Duration convert(String text) {
    Duration duration = parse(text.strip().toLowerCase(Locale.ROOT));
    if (duration == null || duration.isZero() || duration.isNegative()) {
      throw new TypeConversionException(
          "Invalid duration '" + text + "': write a positive one such as 500ms, 1s, 10m or PT1H");
    }
    return duration;
  }

  private static Duration parse(String text) {
    if (text.startsWith("p")) {
      try {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    int unitStart = 0;
    while (unitStart < text.length() && Character.isDigit(text.charAt(unitStart))) {
      unitStart++;
    }
    if (unitStart == 0 || unitStart > 9) {
      return null;
    }
    long amount = Long.parseLong(text.substring(0, unitStart));
    return switch (text.substring(unitStart)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> null;
    };
  }
}
