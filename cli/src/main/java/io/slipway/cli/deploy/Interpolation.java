package io.slipway.cli.deploy;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import java.util.function.Function;

/**
 * Docker Compose's variable interpolation of one value: {@code $NAME}, {@code ${NAME}}, {@code
 * ${NAME:-default}} (default when unset or empty), {@code ${NAME-default}} (default when unset),
 * {@code ${NAME:?message}} and {@code ${NAME?message}} (an error with the message), {@code
 * ${NAME:+other}} and {@code ${NAME+other}} (other when set), and {@code $$} for a literal {@code
 * $}. Defaults, messages and replacements may contain interpolations themselves. Docker Compose
 * warns about an unset variable and uses an empty value. Here an unset variable without a default
 * is an error, so that a CI job never deploys a half-written image reference. Immutable and
 * thread-safe when the lookup is.
 */
final class Interpolation {

  private final Function<String, String> lookup;
  private final String place;

  /**
   * @param lookup returns a variable's value, or null when it is unset
   * @param place where the values come from, such as {@code compose.yml:12}, for error messages
   */
  Interpolation(Function<String, String> lookup, String place) {
    this.lookup = lookup;
    this.place = place;
  }

  /**
   * Returns {@code value} with every interpolation replaced.
   *
   * @throws CommandFailedException with the usage exit code, naming the place and the variable,
   *     when a variable without a default is unset, a {@code ?} check fails, or the syntax is
   *     invalid
   */
  String apply(String value) {
    if (value.indexOf('$') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c != '$') {
        out.append(c);
        i++;
        continue;
      }
      char next = i + 1 < value.length() ? value.charAt(i + 1) : 0;
      if (next == '$') {
        out.append('$');
        i += 2;
      } else if (next == '{') {
        int close = closingBrace(value, i + 2);
        if (close < 0) {
          throw invalid(value, "'${' has no closing '}'");
        }
        out.append(braced(value, value.substring(i + 2, close)));
        i = close + 1;
      } else if (isNameStart(next)) {
        int end = nameEnd(value, i + 1);
        out.append(required(value.substring(i + 1, end)));
        i = end;
      } else {
        throw invalid(value, "'$' is followed by neither a name nor '{'");
      }
    }
    return out.toString();
  }

  private String braced(String value, String inner) {
    int end = nameEnd(inner, 0);
    if (end == 0) {
      throw invalid(value, "'${" + inner + "}' does not start with a variable name");
    }
    String name = inner.substring(0, end);
    String rest = inner.substring(end);
    if (rest.isEmpty()) {
      return required(name);
    }

    String current = lookup.apply(name);
    boolean colon = rest.startsWith(":");
    String operator = colon ? rest.substring(0, Math.min(2, rest.length())) : rest.substring(0, 1);
    String argument = rest.substring(operator.length());
    // With a colon, an empty value counts as unset, as in the shell.
    boolean set = current != null && !(colon && current.isEmpty());

    switch (operator) {
      case ":-", "-" -> {
        return set ? current : apply(argument);
      }
      case ":+", "+" -> {
        return set ? apply(argument) : "";
      }
      case ":?", "?" -> {
        if (!set) {
          throw new CommandFailedException(
              place + ": variable " + name + " is unset or empty: " + apply(argument),
              ExitCode.USAGE);
        }
        return current;
      }
      default -> throw invalid(value, "'${" + inner + "}' has an unknown operator after " + name);
    }
  }

  private String required(String name) {
    String value = lookup.apply(name);
    if (value == null) {
      throw new CommandFailedException(
          place
              + ": variable "
              + name
              + " is not set. Set it in the environment or in the .env file next to the compose"
              + " file, or give a default with ${"
              + name
              + ":-VALUE}",
          ExitCode.USAGE);
    }
    return value;
  }

  private CommandFailedException invalid(String value, String reason) {
    return new CommandFailedException(
        place
            + ": invalid interpolation in '"
            + value
            + "': "
            + reason
            + ". Write $$ for a literal $",
        ExitCode.USAGE);
  }

  /** Returns the index of the '}' that closes a '${' whose content starts at {@code from}. */
  private static int closingBrace(String value, int from) {
    int depth = 1;
    for (int i = from; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static int nameEnd(String value, int from) {
    if (from >= value.length() || !isNameStart(value.charAt(from))) {
      return from;
    }
    int i = from + 1;
    while (i < value.length() && (isNameStart(value.charAt(i)) || isDigit(value.charAt(i)))) {
      i++;
    }
    return i;
  }

  private static boolean isNameStart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
