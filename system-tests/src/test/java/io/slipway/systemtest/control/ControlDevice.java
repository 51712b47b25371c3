package io.slipway.systemtest.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.systemtest.agent.AgentJars;
import io.slipway.systemtest.agent.AgentProcess;
import io.slipway.systemtest.agent.Poll;
import io.slipway.systemtest.agent.ServiceContainers;
import io.slipway.systemtest.docker.DockerCli;
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
  private final Path config;
  private final AgentProcess agent;
  private final ControlServer server;
  private ServiceContainers containers;

  private ControlDevice(String name, Path config, AgentProcess agent, ControlServer server) {
    this.name = name;
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
      return new ControlDevice(name, config, agent, server);
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

  /**
   * Returns the containers the agent runs for this device on the Docker engine, which {@link
   * #close()} removes, together with their images.
   */
  ServiceContainers containers() {
    if (containers == null) {
      DockerCli docker = new DockerCli(server.stack().directory("docker-config"));
      containers = new ServiceContainers(docker, uuid());
    }
    return containers;
  }

  /** Returns the agent's process id. */
  long pid() {
    return agent.pid();
  }

  /** Returns the device's containers and the agent's and the server's log tails, for failures. */
  String diagnosis() {
    String listing = containers == null ? "" : containers.describe() + "\n";
    return listing
        + "agent log of device "
        + name
        + ":\n"
        + agent.logTail()
        + "\nserver log:\n"
        + server.logTail();
  }

  /** Stops the agent with SIGTERM, then removes its containers if the test looked at them. */
  @Override
  public void close() {
    agent.close();
    if (containers != null) {
      containers.removeAll();
    }
  }

  @Override
  public String toString() {
    return "ControlDevice[" + name + ", pid " + agent.pid() + "]";
  }
}
