package io.slipway.systemtest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.systemtest.builder.BuildApi.Reply;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code slipway-agent simulate --devices 50} as a child JVM with a device's JVM options ({@link
 * AgentJvm}) against a real server: every virtual device registers with one provisioning key,
 * verifies the fleet's signed release and reports running it. Images are skipped ({@code --store
 * none}); a second run of three devices pulls them into a store per device ({@code --store disk}).
 * No container engine is needed.
 */
class SimulateIT {

  private static final int DEVICES = 50;

  private static SlipwayStack stack;
  private static DeviceFleet fleet;
  private static long release;

  @BeforeAll
  static void startServerWithRelease() throws Exception {
    stack =
        SlipwayStack.start(
            "SimulateIT", new Backend(Backend.Database.H2, Backend.Storage.FILESYSTEM));
    fleet = DeviceFleet.create(stack, "acme", "sim");
    String image = fleet.pushService("web", "1.0", "first");
    release = fleet.deploy("1.0.0", Map.of("web", image)).path("id").asLong();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void fiftyDevicesRegisterAndReportTheFleetsRelease() throws Exception {
    Path logFile = stack.directory("simulate").resolve("simulate.log");
    Process simulation =
        start(
            logFile,
            "--devices",
            String.valueOf(DEVICES),
            "--fleet",
            fleet.name(),
            "--device-type",
            "generic-amd64",
            "--server",
            stack.server().baseUrl().toString(),
            "--provisioning-key",
            provisioningKey(fleet),
            "--store",
            "none",
            "--data-dir",
            stack.directory("simulate", "devices").toString(),
            "--poll-interval",
            "1s",
            "--report-interval",
            "1s");
    try {
      List<String> running = awaitRunning(fleet, release, DEVICES, logFile);

      assertThat(running).hasSize(DEVICES);
    } finally {
      stop(simulation);
    }
    String log = tail(logFile);
    assertThat(log).contains("simulated " + DEVICES + " devices: registered " + DEVICES + ",");
    assertThat(log).doesNotContain("OutOfMemoryError");
  }

  @Test
  void devicesWithDiskStoresPullTheReleasesImages() throws Exception {
    DeviceFleet disk = DeviceFleet.create(stack, "beta", "disk");
    long diskRelease =
        disk.deploy("1.0.0", Map.of("web", disk.pushService("web", "1.0", "disk")))
            .path("id")
            .asLong();
    Path logFile = stack.directory("simulate-disk").resolve("simulate.log");
    Path devices = stack.directory("simulate-disk", "devices");
    Process simulation =
        start(
            logFile,
            "--devices",
            "3",
            "--fleet",
            disk.name(),
            "--device-type",
            "generic-amd64",
            "--server",
            stack.server().baseUrl().toString(),
            "--provisioning-key",
            provisioningKey(disk),
            "--store",
            "disk",
            "--data-dir",
            devices.toString(),
            "--poll-interval",
            "1s",
            "--report-interval",
            "1s");
    try {
      awaitRunning(disk, diskRelease, 3, logFile);
    } finally {
      stop(simulation);
    }

    for (int device = 0; device < 3; device++) {
      Path directory = devices.resolve(String.format("device-%05d", device));
      assertThat(directory.resolve("current-release.json")).isRegularFile();
      assertThat(directory.resolve("images").resolve("index.json")).isRegularFile();
    }
  }

  @Test
  void keyOfAnotherFleetStopsTheSimulation() throws Exception {
    DeviceFleet other = DeviceFleet.create(stack, "gamma", "other");
    Path logFile = stack.directory("simulate-other").resolve("simulate.log");
    Process simulation =
        start(
            logFile,
            "--devices",
            "2",
            "--fleet",
            fleet.name(),
            "--device-type",
            "generic-amd64",
            "--server",
            stack.server().baseUrl().toString(),
            "--provisioning-key",
            provisioningKey(other),
            "--data-dir",
            stack.directory("simulate-other", "devices").toString());

    boolean ended = simulation.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      stop(simulation);
    }

    assertThat(ended).as(tail(logFile)).isTrue();
    assertThat(simulation.exitValue()).as(tail(logFile)).isEqualTo(1);
    assertThat(Files.readString(logFile))
        .contains("joined fleet " + other.name() + ", not " + fleet.name());
  }

  /** Waits until {@code count} devices of {@code devices} report {@code releaseId} running. */
  private static List<String> awaitRunning(
      DeviceFleet devices, long releaseId, int count, Path logFile) {
    return Poll.until(
        Duration.ofMinutes(3),
        count + " devices reporting release " + releaseId,
        () -> running(devices, releaseId, count),
        () -> tail(logFile));
  }

  private static Optional<List<String>> running(DeviceFleet devices, long releaseId, int count) {
    List<String> running = new ArrayList<>();
    for (JsonNode device : devices.devices()) {
      String uuid = device.path("uuid").asText();
      JsonNode reported = devices.reportedState(uuid).path("reported");
      boolean runs =
          reported.path("releaseId").asLong() == releaseId
              && reported.path("services").path("web").path("status").asText().equals("running");
      if (runs) {
        running.add(uuid);
      }
    }
    return running.size() >= count ? Optional.of(running) : Optional.empty();
  }

  private static String provisioningKey(DeviceFleet devices) {
    String[] names = devices.name().split("/");
    Reply created =
        devices
            .admin()
            .send(
                "POST",
                "/api/v1/orgs/" + names[0] + "/fleets/" + names[1] + "/provisioning-keys",
                "{\"name\": \"simulation\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().path("secret").asText();
  }

  /** Stops the simulation with SIGTERM, so that it prints its summary, and waits for its end. */
  private static void stop(Process simulation) throws InterruptedException {
    simulation.destroy();
    if (!simulation.waitFor(30, TimeUnit.SECONDS)) {
      simulation.destroyForcibly();
    }
  }

  /** Starts {@code simulate} with the agent's jars and heap, its output appended to the log. */
  private static Process start(Path logFile, String... arguments) throws IOException {
    AgentJars jars = AgentJars.fromBuild();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    AgentJvm jvm = AgentJvm.load();
    command.addAll(jvm.options());
    command.addAll(List.of("-cp", jars.classpath(), AgentJars.MAIN_CLASS, "simulate"));
    command.addAll(List.of(arguments));
    return jvm.childProcess(command, logFile).start();
  }

  private static String tail(Path logFile) {
    try {
      String log = Files.readString(logFile, StandardCharsets.UTF_8);
      return log.length() <= 8000 ? log : log.substring(log.length() - 8000);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the simulation's output " + logFile, e);
    }
  }
}
