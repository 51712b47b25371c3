package io.slipway.api.variable;

import java.util.List;

/**
 * The kind of a variable. The kind follows from the name: names with a {@link #CONFIG_PREFIXES
 * configuration prefix} are settings of the device agent, every other name is part of a service's
 * environment.
 */
public enum VariableKind {
  /** An environment variable of the fleet's services. */
  ENV,
  /** A setting of the device agent, such as {@code SLIPWAY_POLL_INTERVAL}. */
  CONFIG;

  /** Name prefixes that mark a configuration variable. */
  public static final List<String> CONFIG_PREFIXES = List.of("SLIPWAY_", "BALENA_", "RESIN_");

  /** Returns the kind of a variable called {@code name}. */
  public static VariableKind of(VariableName name) {
    for (String prefix : CONFIG_PREFIXES) {
      if (name.value().startsWith(prefix)) {
        return CONFIG;
      }
    }
    return ENV;
  }
}
