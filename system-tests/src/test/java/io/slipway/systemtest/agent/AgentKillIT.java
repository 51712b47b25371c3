package io.slipway.systemtest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.agent.PausePoints;
import io.slipway.systemtest.docker.DockerCli;
import io.slipway.systemtest.server.SlipwayStack;
import io.slipway.testing.image.BusyboxImages;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGKILL of the agent at each of its pause points while it moves to a new release, then a restart,
 * must end on a complete release. The committed release must be whole in the store: every blob
 * present and matching its digest, and readable by skopeo and umoci. Exactly one container per
 * service must run, of that release. Before the restart the device must already be on a whole
 * release: the old one when killed before the commit, the new one's store entry after it.
 *
 * <p>The images carry Docker schema 2 media types, as {@code docker push} writes them, so the store
 * must name them through OCI manifests for skopeo and umoci. The agent runs as a child JVM with a
 * 64 MiB heap on the same data directory each time, and each point moves the device one release
 * further. Needs a running Docker engine; fails, never skips, without one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentKillIT {

  private static final String SERVICE = "web";
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private static SlipwayStack stack;
  private static DockerCli docker;
  private static DeviceFleet fleet;
  private static AgentJars jars;
  private static Path config;
  private static AgentDataDirectory data;
  private static Path logFile;
  private static ServiceContainers services;
  private static AgentProcess agent;
  private static int releases;

  @BeforeAll
  static void startServerWithFirstRelease() throws Exception {
    ContainerFleet server = ContainerFleet.start("AgentKillIT");
    stack = server.stack();
    docker = server.docker();
    fleet = server.fleet();
    jars = AgentJars.fromBuild();
    config = stack.directory("device", "boot").resolve("config.json");
    Files.write(config, fleet.osConfig());
    data = new AgentDataDirectory(stack.directory("device", "data"));
    logFile = stack.directory("device").resolve("agent.log");
    deployNext();
  }

  @AfterAll
  static void stopAgentAndServer() throws Exception {
    try {
      if (agent != null) {
        agent.close();
      }
      if (services != null) {
        services.removeAll();
      }
    } finally {
      if (stack != null) {
        stack.close();
      }
    }
  }

  /** Pushes and deploys the next release, whose service prints its number, and returns its id. */
  private static long deployNext() {
    releases++;
    String variant = variant(releases);
    String image =
        fleet.pushService(
            SERVICE, String.valueOf(releases), variant, BusyboxImages.MediaTypes.DOCKER);
    JsonNode release = fleet.deploy("1.0." + releases, Map.of(SERVICE, image));
    return release.path("id").asLong();
  }

  private static String variant(int release) {
    return "release " + release;
  }

  private static String diagnosis() {
    String containers = services == null ? "" : services.describe();
    return containers + "\nagent log:\n" + (agent == null ? "(none)" : agent.logTail());
  }

  /** Fails at once when the agent exited, instead of waiting for a timeout. */
  private static void requireAgentAlive() {
    if (!agent.isAlive()) {
      throw new AssertionError("The agent exited\n" + diagnosis());
    }
  }

  /** Waits until the service runs release {@code release} and the store has committed it. */
  private static void awaitRunning(int release, long releaseId) {
    Poll.until(
        TIMEOUT,
        "the store to commit release " + releaseId,
        () -> {
          requireAgentAlive();
          return Optional.of(data.currentReleaseId()).filter(id -> id == releaseId);
        },
        AgentKillIT::diagnosis);
    Poll.until(
        TIMEOUT,
        "service " + SERVICE + " to run " + variant(release),
        () -> services.runningVariant(SERVICE).filter(variant(release)::equals),
        AgentKillIT::diagnosis);
  }

  @Test
  @Order(1)
  void firstReleaseRunsAfterBoot() throws Exception {
    agent = AgentProcess.start(jars, config, data.path(), null, logFile);
    String uuid =
        Poll.until(
                TIMEOUT,
                "the agent to register",
                () ->
                    Optional.ofNullable(fleet.devices().isEmpty() ? null : fleet.devices().get(0)),
                AgentKillIT::diagnosis)
            .path("uuid")
            .asText();
    services = new ServiceContainers(docker, uuid);

    awaitRunning(1, fleet.admin().releases("acme", "sensors").get(0).path("id").asLong());

    data.assertCurrentReleaseComplete();
    assertThat(services.all()).hasSize(1);
    agent.close();
  }

  @ParameterizedTest(name = "killed at {0}")
  @Order(2)
  @ValueSource(
      strings = {
        PausePoints.DOWNLOAD,
        PausePoints.APPLY,
        PausePoints.SWITCH_BEFORE_COMMIT,
        PausePoints.SWITCH_AFTER_COMMIT
      })
  void killedAgentEndsOnCompleteRelease(String point) {
    long oldId = data.currentReleaseId();
    int oldNumber = releases;
    long newId = deployNext();

    agent = AgentProcess.start(jars, config, data.path(), point, logFile);
    Poll.until(
        TIMEOUT,
        "the agent to pause at " + point,
        () -> {
          requireAgentAlive();
          return Optional.of(agent.pausedAt(point)).filter(Boolean::booleanValue);
        },
        AgentKillIT::diagnosis);
    agent.kill();

    long committed = point.equals(PausePoints.SWITCH_AFTER_COMMIT) ? newId : oldId;
    assertThat(data.currentReleaseId()).as("release committed when killed").isEqualTo(committed);
    data.assertCurrentReleaseComplete();
    if (committed == oldId) {
      assertThat(services.runningVariant(SERVICE)).as(diagnosis()).contains(variant(oldNumber));
    }

    agent = AgentProcess.start(jars, config, data.path(), null, logFile);
    awaitRunning(releases, newId);

    data.assertCurrentReleaseComplete();
    assertThat(services.all()).as(diagnosis()).hasSize(1);
    agent.close();
  }
}
