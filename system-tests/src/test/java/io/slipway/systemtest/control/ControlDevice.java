package io.slipway.systemtest.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.systemtest.agent.AgentJars;
import io.slipway.systemtest.agent.AgentProcess;
import io.slipway.systemtest.agent.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One device of a {@link ControlServer}'s fleet: a config.json with a new provisioning key, a data
 * directory, and the real agent running on them as a child JVM. The device's UUID and key are read
 * from config.json, where the agent writes them when it registers.
 *
 * <p>Not thread-safe: one test drives one device.
 */
final class ControlDevice implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REGISTRATION = Duration.ofMinutes(2);

  private final String name;
  private final Path directory;
  private final Path config;
  private final AgentProcess agent;
  private final ControlServer server;

  private ControlDevice(
      String name, Path directory, Path config, AgentProcess agent, ControlServer server) {
    this.name = name;
    this.directory = directory;
    this.config = config;
    this.agent = agent;
    this.server = server;
  }

  /** Writes the device's config.json and starts the agent; see {@link ControlServer}. */
  static ControlDevice start(
      ControlServer server, String name, AgentJars jars, List<String> runOptions) {
    Path directory = server.stack().directory("devices", name);
    Path config = directory.resolve("config.json");
    try {
      Files.write(config, server.fleet().osConfig());
      Path data = Files.createDirectories(directory.resolve("data"));
      AgentProcess agent =
          AgentProcess.startWith(jars, config, data, runOptions, directory.resolve("agent.log"));
      return new ControlDevice(name, directory, config, agent, server);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare device " + name + " in " + directory, e);
    }
  }

  /**
   * Returns the device's UUID, waiting until the agent has registered.
   *
   * @throws AssertionError when the agent exits or has not registered within two minutes
   */
  String uuid() {
    return registered().path("uuid").asText();
  }

  /** Returns the device API key the agent registered with; a secret, never to be logged. */
  String deviceKey() {
    return registered().path("deviceApiKey").asText();
  }

  private JsonNode registered() {
    return Poll.until(
        REGISTRATION,
        "device " + name + " to register",
        () -> {
          requireRunning();
          return readConfig().filter(c -> c.hasNonNull("uuid") && c.hasNonNull("deviceApiKey"));
        },
        this::diagnosis);
  }

  private Optional<JsonNode> readConfig() {
    try {
      return Optional.of(JSON.readTree(config.toFile()));
    } catch (IOException e) {
      // The agent replaces the file atomically; a failed read means it is not there yet.
      return Optional.empty();
    }
  }

  /** Fails at once when the agent has exited, instead of letting a wait run out. */
  void requireRunning() {
    if (!agent.isAlive()) {
      throw new AssertionError("The agent of device " + name + " exited\n" + diagnosis());
    }
  }

  /** Returns the agent's process id. */
  long pid() {
    return agent.pid();
  }

  /** Returns the agent's whole log. */
  String log() {
    return agent.log();
  }

  /** Returns a directory of this device's own for the test's files, creating it when missing. */
  Path directory(String first) {
    try {
      return Files.createDirectories(directory.resolve(first));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory in " + directory, e);
    }
  }

  /** Returns the agent's and the server's log tails, for failure messages. */
  String diagnosis() {
    return "agent log of device "
        + name
        + ":\n"
        + agent.logTail()
        + "\nserver log:\n"
        + server.logTail();
  }

  /** Stops the agent with SIGTERM. */
  @Override
  public void close() {
    agent.close();
  }

  @Override
  public String toString() {
    return "ControlDevice[" + name + ", pid " + agent.pid() + "]";
  }
}
