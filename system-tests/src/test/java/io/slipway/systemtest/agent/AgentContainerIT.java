package io.slipway.systemtest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.systemtest.docker.DockerCli;
import io.slipway.systemtest.server.SlipwayStack;
import io.slipway.testing.net.CuttingProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One device as a real one runs: the agent inside a container of its own image, which Jib built
 * into the engine. Testcontainers starts it on the host's network with the engine's socket mounted
 * and with the config.json read from the boot partition of the fleet's configured OS image, which
 * the server made from a base image the test uploaded. The device joins the fleet, runs release 1's
 * service as a container of the same engine, and moves to release 2 by a delta.
 *
 * <p>The tests run in order and share one device. Needs a running Docker engine; they fail, never
 * skip, without one. Needs sfdisk, mkfs.vfat and mcopy too, which fail the tests under CI when
 * missing. Nothing is pulled: the agent's container image is made from this machine's JDK.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentContainerIT {

  private static final String SERVICE = "web";
  private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration UPDATE_TIMEOUT = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static SlipwayStack stack;
  private static DockerCli docker;
  private static DeviceFleet fleet;
  private static DeviceFleet.ConfiguredImage flashedImage;
  private static String flashedConfig;
  private static Path bootDirectory;
  private static Path dataDirectory;
  private static GenericContainer<?> agent;
  private static ServiceContainers services;
  private static CuttingProxy proxy;

  @BeforeAll
  static void startServerAndBuildAgentImage() throws Exception {
    ContainerFleet server = ContainerFleet.start("AgentContainerIT");
    stack = server.stack();
    docker = server.docker();
    fleet = server.fleet();
    String image = fleet.pushService(SERVICE, "1", "release one");
    fleet.deploy("1.0.0", Map.of(SERVICE, image));

    // The device reaches the server only through this proxy, which counts the bytes it receives.
    proxy = CuttingProxy.start(stack.server().port());
    bootDirectory = stack.directory("device", "boot");
    flashedImage = downloadConfiguredImage();
    flashedConfig = BaseOsImage.bootFile(flashedImage.file(), "config.json");
    Files.writeString(bootDirectory.resolve("config.json"), flashedConfig);
    dataDirectory = stack.directory("device", "data");
    AgentImage.build(docker, AgentJars.fromBuild());
  }

  @AfterAll
  static void removeContainersAndImages() throws Exception {
    try {
      if (agent != null) {
        agent.stop();
      }
      if (services != null) {
        services.removeAll();
      }
      if (docker != null) {
        AgentImage.remove(docker);
      }
    } finally {
      if (proxy != null) {
        proxy.close();
      }
      if (stack != null) {
        stack.close();
      }
    }
  }

  /**
   * Uploads a base OS image with an empty boot partition and downloads the fleet's image that the
   * server configures from it, so the config.json on it can only come from the server. The image is
   * requested through the proxy, so its config.json names the proxy as the server.
   */
  private static DeviceFleet.ConfiguredImage downloadConfiguredImage() throws IOException {
    Path images = stack.directory("os-images");
    fleet.uploadBaseImage(BaseOsImage.build(images.resolve("base.img")), "1.0.0");
    return fleet.osImage(proxy.uri(), images.resolve("configured.img"));
  }

  /**
   * Starts the agent's container. The data directory is mounted at the same path as on the host,
   * because the agent hands paths below it (update locks) to the engine, which resolves them on the
   * host.
   */
  private static GenericContainer<?> startAgent() {
    GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse(AgentImage.NAME))
            .withImagePullPolicy(image -> false)
            .withNetworkMode("host")
            .withFileSystemBind("/var/run/docker.sock", "/var/run/docker.sock", BindMode.READ_WRITE)
            .withFileSystemBind(bootDirectory.toString(), "/mnt/boot", BindMode.READ_WRITE)
            .withFileSystemBind(
                dataDirectory.toString(), dataDirectory.toString(), BindMode.READ_WRITE)
            .withLabel(AgentImage.TEST_LABEL, "true")
            .withCommand(
                "run",
                "--config",
                "/mnt/boot/config.json",
                "--data-dir",
                dataDirectory.toString(),
                "--poll-interval",
                "1s",
                "--report-interval",
                "1s");
    container.start();
    return container;
  }

  private static JsonNode config() throws IOException {
    return JSON.readTree(bootDirectory.resolve("config.json").toFile());
  }

  private static String diagnosis() {
    String logs = agent == null ? "(agent not started)" : agent.getLogs();
    String containers = services == null ? "" : services.describe();
    return containers + "\nagent output:\n" + tail(logs);
  }

  /** Fails at once when the agent's container has stopped, instead of waiting for a timeout. */
  private static void requireAgentRunning() {
    if (!agent.isRunning()) {
      throw new AssertionError("The agent's container stopped\n" + diagnosis());
    }
  }

  /** Returns the device's containers, failing when the device never registered. */
  private static ServiceContainers services() {
    if (services == null) {
      throw new AssertionError("The device never registered, so it has no containers to check");
    }
    requireAgentRunning();
    return services;
  }

  private static String tail(String text) {
    return text.length() <= 6000 ? text : text.substring(text.length() - 6000);
  }

  @Test
  @Order(1)
  void firstBootRegistersDevice() throws Exception {
    assertThat(JSON.readTree(flashedConfig).has("provisioningKey"))
        .as("provisioning key in the config.json that mcopy read from the configured image")
        .isTrue();

    agent = startAgent();

    String uuid =
        Poll.until(
            BOOT_TIMEOUT,
            "config.json to hold the device's uuid",
            () -> {
              requireAgentRunning();
              try {
                return Optional.ofNullable(config().path("uuid").textValue());
              } catch (IOException e) {
                return Optional.empty();
              }
            },
            AgentContainerIT::diagnosis);
    services = new ServiceContainers(docker, uuid);

    assertThat(config().has("provisioningKey"))
        .as("provisioning key left in config.json")
        .isFalse();
    assertThat(config().path("deviceApiKey").asText()).startsWith("sld_");
    assertThat(fleet.devices()).extracting(d -> d.path("uuid").asText()).containsExactly(uuid);
    assertThat(fleet.provisioningKey(flashedImage.provisioningKeyId()).path("useCount").asLong())
        .as("registrations with the configured image's provisioning key")
        .isEqualTo(1);
  }

  @Test
  @Order(2)
  void firstBootRunsReleaseOne() {
    String variant =
        Poll.until(
            BOOT_TIMEOUT,
            "service " + SERVICE + " to run release one",
            () -> services().runningVariant(SERVICE).filter("release one"::equals),
            AgentContainerIT::diagnosis);

    assertThat(variant).isEqualTo("release one");
    assertThat(services.all()).hasSize(1);
  }

  @Test
  @Order(3)
  void releaseTwoArrivesByDelta() throws Exception {
    String image = fleet.pushService(SERVICE, "2", "release two");
    long fullPull = fleet.fullPullBytes(SERVICE, "2");
    proxy.resetCounts();
    JsonNode release = fleet.deploy("1.0.1", Map.of(SERVICE, image));
    String uuid = config().path("uuid").asText();

    Poll.until(
        UPDATE_TIMEOUT,
        "service " + SERVICE + " to run release two",
        () -> services().runningVariant(SERVICE).filter("release two"::equals),
        AgentContainerIT::diagnosis);
    long received = proxy.bytesToClient();
    JsonNode reported =
        Poll.until(
            UPDATE_TIMEOUT,
            "a state report of release " + release.path("id").asLong(),
            () ->
                Optional.of(fleet.reportedState(uuid).path("reported"))
                    .filter(r -> r.path("releaseId").asLong() == release.path("id").asLong()),
            AgentContainerIT::diagnosis);

    assertThat(services.all()).hasSize(1);
    assertThat(reported.path("services").path(SERVICE).path("updateMethod").asText())
        .as("report %s", reported)
        .isEqualTo("delta");
    // Polls, reports and signatures add a few KiB; a full pull would move the whole layer again.
    assertThat(received).as("bytes received, full pull %s", fullPull).isLessThan(fullPull / 2);
  }
}
