package io.slipway.builder.dockerfile;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One {@code --name=value} or {@code --name} option written before an instruction's arguments, such
 * as {@code --from=build} on {@code COPY} or {@code --platform=linux/arm64} on {@code FROM}.
 * Immutable.
 *
 * @param name the option's name without the leading dashes, such as {@code chown}
 * @param value its value as written (variables not expanded), or null for a bare {@code --name}
 */
public record Flag(String name, String value) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

  /**
   * @throws IllegalArgumentException naming {@code name} when it is not a lower-case option name
   */
  public Flag {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Flag name '" + name + "' is invalid: use lower-case letters, digits and '-'");
    }
  }

  /** Returns the flag as written: {@code --name=value} or {@code --name}. */
  @Override
  public String toString() {
    return value == null ? "--" + name : "--" + name + "=" + value;
  }
}
