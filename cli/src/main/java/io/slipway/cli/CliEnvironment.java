package io.slipway.cli;

import java.io.Console;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The surroundings a command reads besides its options: environment variables, the home directory,
 * standard input and the terminal. {@link #system()} is the real one; tests build their own, so
 * that commands run in-process without touching the user's configuration. Immutable.
 *
 * @param variables environment variables, such as {@code SLIPWAY_SERVER}
 * @param home the user's home directory: {@code HOME} when absolute, else {@code user.home}
 * @param in standard input
 * @param console the terminal, or null when standard input or output is not one
 */
public record CliEnvironment(
    Map<String, String> variables, Path home, InputStream in, Console console) {

  public CliEnvironment {
    variables = Map.copyOf(variables);
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(in, "in");
  }

  /** Returns the process's environment, home directory, standard input and console. */
  public static CliEnvironment system() {
    Map<String, String> variables = System.getenv();
    return new CliEnvironment(
        variables, home(variables, System.getProperty("user.home")), System.in, System.console());
  }

  /**
   * Returns the home directory as shells see it: {@code HOME} when it is set to an absolute path,
   * else {@code userHome}. Java's {@code user.home} comes from the password database and ignores an
   * overridden {@code HOME}.
   */
  static Path home(Map<String, String> variables, String userHome) {
    String home = variables.get("HOME");
    if (home != null && !home.isBlank() && Path.of(home).isAbsolute()) {
      return Path.of(home);
    }
    return Path.of(userHome);
  }

  /** Returns the variable's value, or null when it is unset or blank. */
  public String variable(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** Returns true when the user sits at a terminal, so progress bars may redraw lines. */
  public boolean terminal() {
    return console != null;
  }
}
