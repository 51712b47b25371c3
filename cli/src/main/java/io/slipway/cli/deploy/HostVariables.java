package io.slipway.cli.deploy;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Finds the compose {@code environment:} entries that name a variable without a value ({@code -
 * NAME} in a list, {@code NAME:} with nothing after it in a mapping). Docker Compose fills those
 * from the environment of the shell that runs it. The builder's compose reader cannot tell them
 * from an empty value, so deploy reads the file once more to find them. Stateless.
 */
final class HostVariables {

  private HostVariables() {}

  /**
   * Returns, per service name, the variables its {@code environment:} names without a value.
   *
   * @param text the compose file's content, already read successfully by the builder's reader
   */
  static Map<String, Set<String>> bareNames(String text, Path file) {
    Object document;
    try {
      document = new Load(LoadSettings.builder().build()).loadFromString(text);
    } catch (YamlEngineException e) {
      throw new CommandFailedException(
          "Cannot read compose file " + file + ": " + e.getMessage(), ExitCode.USAGE);
    }
    Map<String, Set<String>> names = new LinkedHashMap<>();
    if (!(document instanceof Map<?, ?> root) || !(root.get("services") instanceof Map<?, ?> all)) {
      return names;
    }
    all.forEach(
        (service, definition) -> {
          if (definition instanceof Map<?, ?> fields) {
            Set<String> bare = bare(fields.get("environment"));
            if (!bare.isEmpty()) {
              names.put(String.valueOf(service), bare);
            }
          }
        });
    return names;
  }

  private static Set<String> bare(Object environment) {
    Set<String> bare = new LinkedHashSet<>();
    if (environment instanceof List<?> entries) {
      for (Object entry : entries) {
        if (entry instanceof String text && !text.isEmpty() && text.indexOf('=') < 0) {
          bare.add(text);
        }
      }
    } else if (environment instanceof Map<?, ?> entries) {
      entries.forEach(
          (name, value) -> {
            if (value == null) {
              bare.add(String.valueOf(name));
            }
          });
    }
    return bare;
  }
}
