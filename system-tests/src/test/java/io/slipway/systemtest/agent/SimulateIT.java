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
 * {@code slipway-agent simulate --devices 50} as a child JVM with the agent's heap ({@code
 * -Xmx64m}) against a real server: every virtual device registers with one provisioning key,
 * verifies the fleet's signed release and reports running it. Images are skipped ({@code --store
 * none}), so no container engine is needed.
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
            "--devices", String.valueOf(DEVICES),
            "--fleet", fleet.name(),
            "--device-type", "generic-amd64",
            "--server", stack.server().baseUrl().toString(),
            "--provisioning-key", provisioningKey(),
            "--store", "none",
            "--data-dir", stack.directory("simulate", "devices").toString(),
            "--poll-interval", "1s",
            "--report-interval", "1s");
    try {
      List<String> running =
          Poll.until(
              Duration.ofMinutes(3),
              DEVICES + " devices reporting release " + release,
              this::devicesRunningTheRelease,
              () -> tail(logFile));

      assertThat(running).hasSize(DEVICES);
    } finally {
      simulation.destroy();
      simulation.waitFor(30, TimeUnit.SECONDS);
    }
    String log = tail(logFile);
    assertThat(log).contains("simulated " + DEVICES + " devices: registered " + DEVICES + ",");
    assertThat(log).doesNotContain("OutOfMemoryError");
  }

  /** Returns the devices that report the release running, once all of them do. */
  private Optional<List<String>> devicesRunningTheRelease() {
    List<String> running = new ArrayList<>();
    for (JsonNode device : fleet.devices()) {
      String uuid = device.path("uuid").asText();
      JsonNode reported = fleet.reportedState(uuid).path("reported");
      boolean runs =
          reported.path("releaseId").asLong() == release
              && reported.path("services").path("web").path("status").asText().equals("running");
      if (runs) {
        running.add(uuid);
      }
    }
    return running.size() >= DEVICES ? Optional.of(running) : Optional.empty();
  }

  private static String provisioningKey() {
    Reply created =
        fleet
            .admin()
            .send(
                "POST",
                "/api/v1/orgs/acme/fleets/sim/provisioning-keys",
                "{\"name\": \"simulation\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return created.json().path("secret").asText();
  }

  /** Starts {@code simulate} with the agent's jars and heap, its output appended to the log. */
  private static Process start(String... arguments) throws IOException {
    AgentJars jars = AgentJars.fromBuild();
    Path logFile = stack.directory("simulate").resolve("simulate.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx64m");
    command.addAll(List.of("-cp", jars.classpath(), AgentJars.MAIN_CLASS, "simulate"));
    command.addAll(List.of(arguments));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .start();
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
