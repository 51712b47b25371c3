package io.slipway.systemtest.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How to start one Slipway server process.
 *
 * @param cliJar the runnable jar that {@code mvn package} builds in {@code cli/target}
 * @param dataDirectory the server's {@code --data-dir}; a restart with the same directory keeps its
 *     state
 * @param properties Spring and {@code slipway.*} properties, passed as {@code --property}; values
 *     may hold credentials, so {@link #toString()} leaves them out
 * @param logFile file that receives the process's standard output and error, appended to
 * @param maxHeap the JVM's {@code -Xmx} value, such as {@code 256m}
 */
public record ServerOptions(
    Path cliJar, Path dataDirectory, Map<String, String> properties, Path logFile, String maxHeap) {

  /** System property that the build sets to the cli jar's path. */
  public static final String CLI_JAR_PROPERTY = "slipway.cli.jar";

  /** The heap limit the specification sets for the server: blobs must stream, not buffer. */
  public static final String SPEC_MAX_HEAP = "256m";

  private static final Pattern HEAP_SIZE = Pattern.compile("\\d+[kmgKMG]?");

  public ServerOptions {
    if (!Files.isRegularFile(cliJar)) {
      throw new IllegalArgumentException(
          "No server jar at "
              + cliJar
              + ": build it first with 'mvn -pl cli -am package -DskipTests'");
    }
    if (!HEAP_SIZE.matcher(maxHeap).matches()) {
      throw new IllegalArgumentException(
          "Invalid heap size '" + maxHeap + "': give a JVM size such as 256m");
    }
    dataDirectory = dataDirectory.toAbsolutePath().normalize();
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    logFile = logFile.toAbsolutePath().normalize();
  }

  /**
   * Returns options for a server with {@code dataDirectory} and the specification's heap limit,
   * using the cli jar that the build names in {@value #CLI_JAR_PROPERTY}.
   */
  public static ServerOptions of(Path dataDirectory, Map<String, String> properties, Path logFile) {
    return new ServerOptions(configuredCliJar(), dataDirectory, properties, logFile, SPEC_MAX_HEAP);
  }

  private static Path configuredCliJar() {
    String configured = System.getProperty(CLI_JAR_PROPERTY);
    if (configured == null || configured.isBlank()) {
      throw new IllegalStateException(
          "System property "
              + CLI_JAR_PROPERTY
              + " is not set: run these tests through Maven (failsafe sets it)");
    }
    return Path.of(configured).toAbsolutePath().normalize();
  }

  @Override
  public String toString() {
    return "ServerOptions[dataDirectory="
        + dataDirectory
        + ", properties="
        + properties.keySet()
        + ", logFile="
        + logFile
        + ", maxHeap="
        + maxHeap
        + "]";
  }
}
