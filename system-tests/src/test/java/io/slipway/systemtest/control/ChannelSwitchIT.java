package io.slipway.systemtest.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.systemtest.agent.Poll;
import io.slipway.systemtest.builder.BuildApi.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The switches of the control channel against the real agent, checked from outside the agent: on
 * the broker, through the API's {@code connected} (the broker's own view), and in the agent
 * process's sockets ({@link ProcessSockets}). The fleet's channel is off, so the agent opens
 * nothing. The device's own setting turns it on for the shortest time the API allows. When that
 * lapses the device is cut off and stays so. A server started with {@code
 * slipway.control.enabled=false} has neither broker nor SSH gateway, refuses commands, and its
 * agent opens nothing either. No Docker engine is needed: the fleet has no release.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChannelSwitchIT {

  /** The shortest time a device's own setting may last. */
  private static final String SHORTEST_OVERRIDE = "PT1M";

  private static final Duration CONNECT = Duration.ofSeconds(30);

  /** How long the setting takes to lapse: its minute, and the server's check every few seconds. */
  private static final Duration LAPSE = Duration.ofMinutes(2);

  /** How long a state must hold: several of the agent's one-second polls. */
  private static final Duration STEADY = Duration.ofSeconds(5);

  private static final List<String> FAST_POLLS =
      List.of("--poll-interval", "1s", "--report-interval", "1s");

  private static ControlServer server;
  private static ControlApi owner;
  private static ControlDevice device;
  private static String uuid;
  private static int brokerPort;

  @BeforeAll
  static void startServerWithChannelOffForFleet() throws Exception {
    server = ControlServer.start("ChannelSwitchIT");
    owner = server.admin();
    owner.setFleetChannel(false);
    brokerPort =
        server
            .brokerPort()
            .orElseThrow(() -> new AssertionError("No control-broker.port\n" + server.logTail()));
    device = server.startDevice("quiet", FAST_POLLS);
    uuid = device.uuid();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static boolean agentConnectedToBroker() {
    return ProcessSockets.connectedTo(device.pid(), brokerPort);
  }

  private static String diagnosis() {
    return "agent's connections to ports "
        + ProcessSockets.remotePorts(device.pid())
        + ", broker on "
        + brokerPort
        + "\n"
        + device.diagnosis();
  }

  /**
   * Waits until {@code device} has reported its state, which it does after its first poll round,
   * where it has asked for the channel's settings.
   */
  private static void awaitFirstReport(ControlServer server, ControlDevice device) {
    String uuid = device.uuid();
    Poll.until(
        CONNECT,
        "device " + uuid + " to report its state",
        () -> {
          device.requireRunning();
          return Optional.of(server.fleet().reportedState(uuid).path("reported"))
              .filter(JsonNode::isObject);
        },
        device::diagnosis);
  }

  private static void assertStaysDisconnected() {
    Poll.holds(
        STEADY,
        "device " + uuid + " holds no connection to the broker",
        () -> !agentConnectedToBroker() && !owner.connected(uuid),
        ChannelSwitchIT::diagnosis);
  }

  @Test
  @Order(1)
  void fleetOffMeansNoConnection() {
    awaitFirstReport(server, device);

    JsonNode channel = owner.channel(uuid);

    assertThat(channel.path("enabled").asBoolean()).as("%s", channel).isFalse();
    assertStaysDisconnected();
  }

  @Test
  @Order(2)
  void deviceSettingConnectsUntilItLapses() {
    Reply enabled =
        owner.setChannel(uuid, "{\"enabled\":true,\"for\":\"" + SHORTEST_OVERRIDE + "\"}");
    assertThat(enabled.status()).as(enabled.text()).isEqualTo(200);
    assertThat(enabled.json().path("until").isNull()).as(enabled.text()).isFalse();

    Poll.until(
        CONNECT,
        "device " + uuid + " to connect to the broker",
        () -> Optional.of(owner.connected(uuid) && agentConnectedToBroker()).filter(c -> c),
        ChannelSwitchIT::diagnosis);

    Poll.until(
        LAPSE,
        "the setting of device " + uuid + " to lapse",
        () -> Optional.of(owner.channel(uuid)).filter(c -> !c.path("enabled").asBoolean()),
        ChannelSwitchIT::diagnosis);
    Poll.until(
        CONNECT,
        "device " + uuid + " to be cut off",
        () -> Optional.of(!owner.connected(uuid) && !agentConnectedToBroker()).filter(c -> c),
        ChannelSwitchIT::diagnosis);
    assertThat(owner.channel(uuid).path("setting").asText()).isEqualTo("fleet");
    assertStaysDisconnected();
  }

  @Test
  @Order(3)
  void serverWithoutChannelOpensNothing() throws Exception {
    try (ControlServer off =
        ControlServer.start("ChannelSwitchIT-off", Map.of("slipway.control.enabled", "false"))) {
      ControlDevice lone = off.startDevice("lone", FAST_POLLS);
      String loneUuid = lone.uuid();
      awaitFirstReport(off, lone);
      int httpPort = off.stack().server().port();

      Reply command = off.admin().command(loneUuid, "{\"type\":\"identify\"}");

      assertThat(command.status()).as(command.text()).isEqualTo(503);
      assertThat(ControlApi.code(command)).isEqualTo("CONTROL_CHANNEL_UNAVAILABLE");
      assertThat(off.brokerPort()).as("control-broker.port").isEmpty();
      assertThat(off.sshPort()).as("ssh.port").isEmpty();
      Poll.holds(
          STEADY,
          "the agent connects to nothing but the server's HTTP port " + httpPort,
          () -> Set.of(httpPort).containsAll(ProcessSockets.remotePorts(lone.pid())),
          () -> ProcessSockets.remotePorts(lone.pid()) + "\n" + lone.diagnosis());
    }
  }
}
