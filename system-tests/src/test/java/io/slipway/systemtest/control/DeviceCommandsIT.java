package io.slipway.systemtest.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.systemtest.agent.Poll;
import io.slipway.systemtest.agent.ServiceContainers;
import io.slipway.systemtest.builder.BuildApi.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Commands through the HTTP API, over the embedded broker, to the real agent, whose service runs as
 * a container of the Docker engine. The agent polls only every ten minutes, so a new release that
 * arrives within a minute came through the channel's {@code update}. Its reboot, shutdown and
 * identify commands run a script that leaves marker files ({@link MarkerHook}).
 *
 * <p>The tests share one server and one device and run in order: the service is stopped and started
 * again before the release changes. Needs a running Docker engine; fails, never skips, without one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeviceCommandsIT {

  private static final String SERVICE = "web";
  private static final Duration SERVICE_CHANGE = Duration.ofMinutes(1);

  private static ControlServer server;
  private static MarkerHook hook;
  private static ControlDevice device;
  private static String uuid;
  private static ServiceContainers services;
  private static ControlApi operator;

  @BeforeAll
  static void startServerAndDevice() throws Exception {
    server = ControlServer.startWithRelease("DeviceCommandsIT", SERVICE);
    operator = server.member("olga", "operator");

    hook = MarkerHook.create(server.stack().directory("hook"));
    device =
        server.startDevice(
            "first",
            List.of(
                "--poll-interval",
                "10m",
                "--report-interval",
                "1s",
                "--reboot-command",
                hook.command("reboot"),
                "--shutdown-command",
                hook.command("shutdown"),
                "--identify-command",
                hook.command("identify")));
    uuid = device.uuid();
    services = device.containers();
    awaitVariant("release one");
    Poll.until(
        SERVICE_CHANGE,
        "device " + uuid + " to connect to the broker",
        () -> Optional.of(operator.connected(uuid)).filter(Boolean::booleanValue),
        DeviceCommandsIT::diagnosis);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static String diagnosis() {
    return server.diagnosis(device);
  }

  private static void awaitVariant(String variant) {
    Poll.until(
        SERVICE_CHANGE,
        "service " + SERVICE + " to run " + variant,
        () -> {
          device.requireRunning();
          return services.runningVariant(SERVICE).filter(variant::equals);
        },
        DeviceCommandsIT::diagnosis);
  }

  private static void assertSucceeded(JsonNode command) {
    assertThat(command.path("status").asText()).as("%s", command).isEqualTo("SUCCEEDED");
  }

  private static void awaitHook(String action) {
    Poll.until(
        SERVICE_CHANGE,
        "the agent to run the " + action + " hook",
        () -> Optional.of(hook.ran(action)).filter(Boolean::booleanValue),
        DeviceCommandsIT::diagnosis);
  }

  @Test
  @Order(1)
  void rebootRunsTheSystemHook() {
    Reply sent = operator.command(uuid, "{\"type\":\"reboot\"}");

    assertThat(sent.status()).as(sent.text()).isEqualTo(202);
    assertThat(sent.json().path("status").asText()).as(sent.text()).isEqualTo("PENDING");
    assertThat(sent.json().path("createdBy").asText()).as(sent.text()).isEqualTo("olga");
    assertSucceeded(operator.awaitEnd(uuid, sent.json().path("id").asText()));
    awaitHook("reboot");
  }

  @Test
  @Order(2)
  void shutdownRunsTheSystemHook() {
    JsonNode shutdown = operator.run(uuid, "{\"type\":\"shutdown\"}");

    assertSucceeded(shutdown);
    awaitHook("shutdown");
  }

  @Test
  @Order(3)
  void identifyRunsTheSystemHook() {
    JsonNode identify = operator.run(uuid, "{\"type\":\"identify\"}");

    assertSucceeded(identify);
    awaitHook("identify");
  }

  @Test
  @Order(4)
  void unknownServiceFailsNamingIt() {
    JsonNode restart =
        operator.run(uuid, "{\"type\":\"restart-service\",\"service\":\"no-such-service\"}");

    assertThat(restart.path("status").asText()).as("%s", restart).isEqualTo("FAILED");
    assertThat(restart.path("error").asText()).contains("no-such-service");
  }

  @Test
  @Order(5)
  void restartServiceStartsContainerAgain() {
    String before = services.startedAt(SERVICE).orElseThrow(() -> new AssertionError(diagnosis()));

    JsonNode restart =
        operator.run(uuid, "{\"type\":\"restart-service\",\"service\":\"" + SERVICE + "\"}");

    assertSucceeded(restart);
    String after =
        Poll.until(
            SERVICE_CHANGE,
            "container of " + SERVICE + " to start again",
            () -> services.startedAt(SERVICE).filter(started -> !started.equals(before)),
            DeviceCommandsIT::diagnosis);
    assertThat(after).isNotEqualTo(before);
    awaitVariant("release one");
  }

  @Test
  @Order(6)
  void stoppedServiceStaysStoppedAfterUpdate() {
    JsonNode stop =
        operator.run(uuid, "{\"type\":\"stop-service\",\"service\":\"" + SERVICE + "\"}");
    assertSucceeded(stop);
    Poll.until(
        SERVICE_CHANGE,
        "container of " + SERVICE + " to stop",
        () -> services.of(SERVICE).filter(container -> !container.running()),
        DeviceCommandsIT::diagnosis);

    // An update makes the agent poll and reconcile now; the stopped service must not come back.
    assertSucceeded(operator.run(uuid, "{\"type\":\"update\"}"));
    Poll.holds(
        Duration.ofSeconds(5),
        "container of " + SERVICE + " stays stopped",
        () -> services.of(SERVICE).filter(ServiceContainers.Container::running).isEmpty(),
        DeviceCommandsIT::diagnosis);
  }

  @Test
  @Order(7)
  void startServiceRunsItAgain() {
    JsonNode start =
        operator.run(uuid, "{\"type\":\"start-service\",\"service\":\"" + SERVICE + "\"}");

    assertSucceeded(start);
    awaitVariant("release one");
  }

  @Test
  @Order(8)
  void newReleaseArrivesThroughTheChannel() {
    String image = server.fleet().pushService(SERVICE, "2", "release two");

    server.fleet().deploy("2.0.0", Map.of(SERVICE, image));

    // The agent polls every ten minutes; only the server's update brings it within a minute.
    awaitVariant("release two");
  }

  @Test
  @Order(9)
  void viewerAndDeveloperAreForbidden() {
    ControlApi viewer = server.member("vera", "viewer");
    ControlApi developer = server.member("devi", "developer");

    Reply byViewer = viewer.command(uuid, "{\"type\":\"identify\"}");
    Reply byDeveloper = developer.command(uuid, "{\"type\":\"identify\"}");

    assertThat(byViewer.status()).as(byViewer.text()).isEqualTo(403);
    assertThat(byDeveloper.status()).as(byDeveloper.text()).isEqualTo(403);
  }

  @Test
  @Order(10)
  void administratorNeedsOpenSupportAccess() {
    ControlApi administrator = server.serverAdministrator("sam");
    ControlApi owner = server.member("owen", "owner");
    Reply refused = administrator.command(uuid, "{\"type\":\"identify\"}");
    assertThat(refused.status()).as(refused.text()).isEqualTo(403);
    assertThat(ControlApi.code(refused)).isEqualTo("SUPPORT_ACCESS_REQUIRED");

    Reply granted = owner.grantSupportAccess("PT1H");
    assertThat(granted.status()).as(granted.text()).isBetween(200, 201);
    assertSucceeded(administrator.run(uuid, "{\"type\":\"identify\"}"));

    Reply revoked = owner.revokeSupportAccess();
    assertThat(revoked.status()).as(revoked.text()).isBetween(200, 204);
    Reply refusedAgain = administrator.command(uuid, "{\"type\":\"identify\"}");
    assertThat(refusedAgain.status()).as(refusedAgain.text()).isEqualTo(403);
    assertThat(ControlApi.code(refusedAgain)).isEqualTo("SUPPORT_ACCESS_REQUIRED");
  }
}
