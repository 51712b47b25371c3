package io.slipway.api.variable;

import java.util.regex.Pattern;

/**
 * The name of a fleet or device variable: a letter or underscore, then letters, digits and
 * underscores, at most 255 characters, as POSIX shells accept for environment variables.
 *
 * @param value the name as written
 */
public record VariableName(String value) {

  /** Maximum length of a name, in characters. */
  public static final int MAX_LENGTH = 255;

  private static final Pattern FORM = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public VariableName {
    if (value == null || value.length() > MAX_LENGTH || !FORM.matcher(value).matches()) {
      throw new InvalidVariableException(
          "Invalid variable name '"
              + value
              + "': use a letter or '_' followed by letters, digits and '_', at most "
              + MAX_LENGTH
              + " characters");
    }
  }

  /** Returns the kind that this name gives its variable. */
  public VariableKind kind() {
    return VariableKind.of(this);
  }

  @Override
  public String toString() {
    return value;
  }
}
