package io.slipway.cli.deploy;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code .env} file next to a compose file, whose variables Docker Compose uses for
 * interpolation: {@code NAME=VALUE} lines, optionally after {@code export}, with {@code #} comment
 * lines and blank lines. A value in single quotes is taken literally. A value in double quotes
 * understands {@code \n}, {@code \t}, {@code \"} and {@code \\}. An unquoted value ends before a
 * {@code #} that follows white space. Unquoted and double-quoted values are interpolated with the
 * environment and the lines above. Stateless.
 */
final class DotEnv {

  /** The name of the file, as Docker Compose reads it. */
  static final String NAME = ".env";

  private static final Pattern LINE =
      Pattern.compile("(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\\s*=\\s*(.*)");

  private DotEnv() {}

  /**
   * Reads the variables of {@code .env} in {@code directory}.
   *
   * @param environment the process's variables, used to interpolate the file's values
   * @return the variables in file order; empty when there is no such file
   * @throws CommandFailedException with the usage exit code, naming the file and line, when the
   *     file cannot be read or a line is invalid
   */
  static Map<String, String> read(Path directory, Map<String, String> environment) {
    Path file = directory.resolve(NAME);
    Map<String, String> variables = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return variables;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CommandFailedException(
          "Cannot read " + file + ": " + e.getMessage(), ExitCode.USAGE);
    }
    for (int number = 1; number <= lines.size(); number++) {
      String line = lines.get(number - 1).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String place = file + ":" + number;
      Matcher matcher = LINE.matcher(line);
      if (!matcher.matches()) {
        throw new CommandFailedException(
            place + ": '" + line + "' is not NAME=VALUE; fix the line or remove it",
            ExitCode.USAGE);
      }
      Interpolation interpolation =
          new Interpolation(
              name -> environment.containsKey(name) ? environment.get(name) : variables.get(name),
              place);
      variables.put(matcher.group(1), value(matcher.group(2), interpolation, place));
    }
    return variables;
  }

  private static String value(String raw, Interpolation interpolation, String place) {
    if (raw.startsWith("'")) {
      int close = raw.indexOf('\'', 1);
      if (close < 0) {
        throw unclosed(place, '\'');
      }
      return raw.substring(1, close);
    }
    if (raw.startsWith("\"")) {
      return interpolation.apply(doubleQuoted(raw, place));
    }
    return interpolation.apply(raw.replaceFirst("\\s+#.*$", "").strip());
  }

  private static String doubleQuoted(String raw, String place) {
    StringBuilder value = new StringBuilder();
    for (int i = 1; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '"') {
        return value.toString();
      }
      if (c == '\\' && i + 1 < raw.length()) {
        i++;
        char escaped = raw.charAt(i);
        switch (escaped) {
          case 'n' -> value.append('\n');
          case 't' -> value.append('\t');
          case 'r' -> value.append('\r');
          default -> value.append(escaped);
        }
      } else {
        value.append(c);
      }
    }
    throw unclosed(place, '"');
  }

  private static CommandFailedException unclosed(String place, char quote) {
    return new CommandFailedException(
        place + ": the value's opening " + quote + " has no closing " + quote + "; close it",
        ExitCode.USAGE);
  }
}
