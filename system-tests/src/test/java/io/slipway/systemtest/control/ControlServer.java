package io.slipway.systemtest.control;

import io.slipway.agent.client.HttpDeviceApi;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.config.JsonConfigFile;
import io.slipway.agent.provision.Registration;
import io.slipway.systemtest.agent.AgentJars;
import io.slipway.systemtest.agent.DeviceFleet;
import io.slipway.systemtest.builder.BuildApi;
import io.slipway.systemtest.builder.Members;
import io.slipway.systemtest.docker.DockerCli;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Slipway server process for the control-channel tests, on H2 and the file system, with
 * organization {@value #ORGANIZATION} and its fleet {@value #FLEET}. By default the embedded
 * broker's TLS listener and the SSH gateway listen on free ports of 127.0.0.1. The server also
 * makes the people who act on the fleet, and starts devices that run the real agent as child JVMs,
 * which {@link #close()} stops before the server.
 *
 * <p>Not thread-safe: one test class drives one server.
 */
final class ControlServer implements AutoCloseable {

  static final String ORGANIZATION = "acme";
  static final String FLEET = "sensors";

  /** The properties that keep the broker and the SSH gateway on free loopback ports. */
  private static final Map<String, String> LOOPBACK_CHANNEL =
      Map.of(
          "slipway.control.embedded.bind-address", "127.0.0.1",
          "slipway.control.embedded.tls-port", "0",
          "slipway.control.ssh.bind-address", "127.0.0.1",
          "slipway.control.ssh.port", "0");

  private final SlipwayStack stack;
  private final DeviceFleet fleet;
  private final List<ControlDevice> devices = new ArrayList<>();

  private ControlServer(SlipwayStack stack, DeviceFleet fleet) {
    this.stack = stack;
    this.fleet = fleet;
  }

  /** Starts a server with the embedded broker for test class {@code suite}. */
  static ControlServer start(String suite) throws Exception {
    return start(suite, Map.of());
  }

  /**
   * Starts a server for {@code suite} with {@code properties} over the loopback defaults, such as
   * {@code slipway.control.enabled=false} or an external broker's settings.
   */
  static ControlServer start(String suite, Map<String, String> properties) throws Exception {
    Map<String, String> merged = new LinkedHashMap<>(LOOPBACK_CHANNEL);
    merged.putAll(properties);
    SlipwayStack stack =
        SlipwayStack.start(
            suite, new Backend(Backend.Database.H2, Backend.Storage.FILESYSTEM), merged);
    try {
      return new ControlServer(stack, DeviceFleet.create(stack, ORGANIZATION, FLEET));
    } catch (RuntimeException | Error e) {
      stack.close();
      throw e;
    }
  }

  /**
   * Starts a server with the embedded broker for {@code suite}, after checking that the Docker
   * engine runs, and deploys release {@code 1.0.0}: one image of {@code service} whose variant is
   * "release one".
   */
  static ControlServer startWithRelease(String suite, String service) throws Exception {
    DockerCli.requireEngine();
    ControlServer server = start(suite);
    try {
      String image = server.fleet().pushService(service, "1", "release one");
      server.fleet().deploy("1.0.0", Map.of(service, image));
      return server;
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  SlipwayStack stack() {
    return stack;
  }

  DeviceFleet fleet() {
    return fleet;
  }

  /** Returns the API as the built-in administrator, who created the organization and owns it. */
  ControlApi admin() {
    return new ControlApi(fleet.admin());
  }

  /** Creates user {@code username} with {@code role} in the organization and returns their API. */
  ControlApi member(String username, String role) {
    return withToken(memberToken(username, role));
  }

  /**
   * Creates user {@code username} with {@code role} in the organization and returns an API token
   * they created, for clients that take a token, such as {@code slipway}.
   */
  String memberToken(String username, String role) {
    return Members.tokenFor(stack, fleet.admin(), ORGANIZATION, username, role);
  }

  /**
   * Creates server administrator {@code username}, who is no member of the organization, and
   * returns their API.
   */
  ControlApi serverAdministrator(String username) {
    return new ControlApi(
        new BuildApi(stack, Members.serverAdministratorToken(stack, fleet.admin(), username)));
  }

  /** Returns the API with {@code token}, such as a user's API token. */
  ControlApi withToken(String token) {
    return new ControlApi(new BuildApi(stack, token));
  }

  /**
   * Starts a device of the fleet: a fresh config.json with a provisioning key, and the agent's
   * {@code run} with {@code runOptions} as a child JVM on its own data directory.
   */
  ControlDevice startDevice(String name, List<String> runOptions) {
    ControlDevice device = ControlDevice.start(this, name, AgentJars.fromBuild(), runOptions);
    devices.add(device);
    return device;
  }

  /**
   * Registers a device in this JVM with a new provisioning key, as the agent's first start does,
   * without running the agent: for a raw MQTT client that signs in as that device.
   *
   * @return the registered config.json, with the device's UUID and key
   */
  AgentConfig registerDevice(String name) throws InterruptedException {
    Path directory = stack.directory("devices", name);
    Path config = directory.resolve("config.json");
    try {
      Files.write(config, fleet.osConfig());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + config, e);
    }
    return new Registration(new JsonConfigFile(config), directory, HttpDeviceApi::create, "test")
        .ensureRegistered();
  }

  /** Returns the server's data directory. */
  Path dataDirectory() {
    return stack.server().options().dataDirectory();
  }

  /** Returns the port the embedded broker wrote to {@code DATA/control-broker.port}, if any. */
  Optional<Integer> brokerPort() {
    return portFile("control-broker.port");
  }

  /** Returns the port the SSH gateway wrote to {@code DATA/ssh.port}, if any. */
  Optional<Integer> sshPort() {
    return portFile("ssh.port");
  }

  private Optional<Integer> portFile(String name) {
    Path file = dataDirectory().resolve(name);
    try {
      if (!Files.exists(file)) {
        return Optional.empty();
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return text.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(text));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the port file " + file, e);
    }
  }

  /** Returns {@code device}'s diagnosis, or the server's log tail before the device exists. */
  String diagnosis(ControlDevice device) {
    return device == null ? logTail() : device.diagnosis();
  }

  /** Returns the end of the server's log, for failure messages. */
  String logTail() {
    return stack.server().logTail();
  }

  /** Stops every device this server started, then the server. */
  @Override
  public void close() throws Exception {
    try {
      for (ControlDevice device : devices) {
        device.close();
      }
    } finally {
      stack.close();
    }
  }
}
