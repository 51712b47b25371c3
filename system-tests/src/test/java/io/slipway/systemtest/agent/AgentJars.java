package io.slipway.systemtest.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The device agent's jar and the jars of its run-time dependencies, as the device-agent module's
 * build left them: its jar in {@code device-agent/target} and the class path Maven wrote to {@code
 * target/runtime-classpath.txt}. The build passes both paths as system properties.
 *
 * @param agent the device-agent jar
 * @param dependencies the jars it needs at run time, in class path order
 */
public record AgentJars(Path agent, List<Path> dependencies) {

  /** The agent's entry point, which takes {@code run} or {@code simulate}. */
  static final String MAIN_CLASS = "io.slipway.agent.command.AgentMain";

  static final String JAR_PROPERTY = "slipway.agent.jar";
  static final String CLASSPATH_PROPERTY = "slipway.agent.classpath";

  public AgentJars {
    dependencies = List.copyOf(dependencies);
  }

  /**
   * Reads the paths from the system properties that the build sets.
   *
   * @throws AssertionError naming the missing file and the build that makes it
   */
  public static AgentJars fromBuild() {
    Path agent = existing(JAR_PROPERTY);
    Path classpathFile = existing(CLASSPATH_PROPERTY);
    try {
      String classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).strip();
      List<Path> dependencies =
          Arrays.stream(classpath.split(java.io.File.pathSeparator))
              .filter(entry -> !entry.isBlank())
              .map(Path::of)
              .toList();
      return new AgentJars(agent, dependencies);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the agent's class path " + classpathFile, e);
    }
  }

  private static Path existing(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank() || !Files.isRegularFile(Path.of(value))) {
      throw new AssertionError(
          "System property "
              + property
              + " is '"
              + value
              + "', not an existing file: build device-agent's package phase first, as `mvn -pl"
              + " system-tests -am verify` does");
    }
    return Path.of(value);
  }

  /** Returns the class path with every jar, the agent's last, for {@code java -cp}. */
  public String classpath() {
    StringBuilder classpath = new StringBuilder();
    for (Path dependency : dependencies) {
      classpath.append(dependency).append(java.io.File.pathSeparator);
    }
    return classpath.append(agent).toString();
  }
}
