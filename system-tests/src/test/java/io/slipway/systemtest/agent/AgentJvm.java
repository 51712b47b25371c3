package io.slipway.systemtest.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM options and environment variables that the agent runs with on a device, read from
 * device-agent's {@code io/slipway/agent/jvm.options}, which {@code ./slipway-agent} and the device
 * update benchmark read too. Lines starting with {@code -} are options, lines {@code NAME=VALUE}
 * are environment variables and {@code #} starts a comment.
 *
 * @param options the JVM options, in file order
 * @param environment the environment variables, in file order
 */
record AgentJvm(List<String> options, Map<String, String> environment) {

  static final String RESOURCE = "io/slipway/agent/jvm.options";

  AgentJvm {
    options = List.copyOf(options);
    environment = Map.copyOf(environment);
  }

  /**
   * Reads the file from the agent's class path.
   *
   * @throws AssertionError when the agent's jar on the test class path lacks the file
   */
  static AgentJvm load() {
    try (InputStream in = AgentJvm.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new AssertionError(
            RESOURCE + " is missing from the test class path: build device-agent first");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }

  /**
   * Returns a builder for {@code command} with this environment added, its standard output and
   * error appended to {@code logFile} and no standard input.
   */
  ProcessBuilder childProcess(List<String> command, Path logFile) {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().putAll(environment);
    return builder;
  }

  private static AgentJvm parse(String text) {
    List<String> options = new ArrayList<>();
    Map<String, String> environment = new LinkedHashMap<>();
    for (String raw : text.split("\n")) {
      int comment = raw.indexOf('#');
      String line = (comment < 0 ? raw : raw.substring(0, comment)).strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("-")) {
        options.add(line);
        continue;
      }
      int equals = line.indexOf('=');
      if (equals <= 0) {
        throw new AssertionError("Invalid line in " + RESOURCE + ": '" + line + "'");
      }
      environment.put(line.substring(0, equals), line.substring(equals + 1));
    }
    return new AgentJvm(options, environment);
  }
}
