package io.slipway.systemtest.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.agent.config.AgentConfig;
import io.slipway.systemtest.agent.Poll;
import io.slipway.systemtest.builder.BuildApi;
import io.slipway.systemtest.builder.BuildApi.Reply;
import io.slipway.systemtest.server.WorkDirectory;
import io.slipway.testing.mqtt.MosquittoProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The server with {@code slipway.control.broker=external} against a real Mosquitto whose
 * dynamic-security plugin the server configures, and the real agent connected to it over TLS. A
 * command makes the round trip through Mosquitto. A second device, a raw MQTT client holding only
 * its own key, can read its own commands but not the agent's. No Docker engine is needed: the fleet
 * has no release.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExternalBrokerIT {

  private static final Duration CONNECT = Duration.ofSeconds(30);
  private static final String COMMANDS_TOPIC = "slipway/devices/%s/commands";
  private static final String PRESENCE_TOPIC = "slipway/devices/%s/presence";

  private static MosquittoProcess mosquitto;
  private static ControlServer server;
  private static ControlApi owner;
  private static ControlDevice device;
  private static String uuid;

  @BeforeAll
  static void startMosquittoServerAndDevice() throws Exception {
    Path directory = WorkDirectory.fresh("ExternalBrokerIT", "mosquitto");
    mosquitto = MosquittoProcess.start(directory, MosquittoProcess.Security.DYNAMIC_SECURITY, true);
    server =
        ControlServer.start(
            "ExternalBrokerIT",
            Map.of(
                "slipway.control.broker", "external",
                "slipway.control.external.url", mosquitto.tlsUrl().toString(),
                "slipway.control.external.username", mosquitto.adminUsername(),
                "slipway.control.external.password", mosquitto.adminPassword(),
                "slipway.control.external.ca-certificate", mosquitto.caCertificate().toString(),
                "slipway.control.device-url", "mqtts://127.0.0.1:" + mosquitto.tlsPort()));
    owner = server.admin();
    device =
        server.startDevice("first", List.of("--poll-interval", "1s", "--report-interval", "1s"));
    uuid = device.uuid();
    Poll.until(
        CONNECT,
        "device " + uuid + " to connect to Mosquitto",
        () -> {
          device.requireRunning();
          // Mosquitto cannot report connections, so the server goes by the device's presence.
          boolean connected =
              ProcessSockets.connectedTo(device.pid(), mosquitto.tlsPort())
                  && owner.connected(uuid);
          return Optional.of(connected).filter(c -> c);
        },
        ExternalBrokerIT::diagnosis);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (mosquitto != null) {
        mosquitto.close();
      }
    }
  }

  private static String diagnosis() {
    return (device == null ? server.logTail() : device.diagnosis())
        + "\nmosquitto log:\n"
        + mosquitto.logTail();
  }

  @Test
  @Order(1)
  void commandRoundTripsThroughMosquitto() {
    JsonNode identify = owner.run(uuid, "{\"type\":\"identify\"}");

    assertThat(identify.path("status").asText()).as("%s", identify).isEqualTo("SUCCEEDED");
  }

  @Test
  @Order(2)
  void deviceCannotReadAnotherDevicesCommands() throws Exception {
    AgentConfig other = server.registerDevice("other");
    // Asking for the channel's settings is what admits a device to an external broker.
    Reply endpoint =
        new BuildApi(server.stack(), other.deviceApiKey())
            .send("GET", "/device/v1/" + other.uuid() + "/control-channel", null);
    assertThat(endpoint.status()).as(endpoint.text()).isEqualTo(200);
    URI url = URI.create(endpoint.json().path("url").asText());

    try (MqttDevice spy =
        MqttDevice.connect(
            url, other.uuid(), other.deviceApiKey(), mosquitto.sslContext().getSocketFactory())) {
      spy.subscribe(COMMANDS_TOPIC.formatted(other.uuid()));
      spy.publish(PRESENCE_TOPIC.formatted(other.uuid()), "{\"online\":true}");
      Reply own = owner.command(other.uuid(), "{\"type\":\"identify\",\"timeout\":\"PT5S\"}");
      assertThat(own.status()).as(own.text()).isEqualTo(202);
      Poll.until(
          CONNECT,
          "the raw client to receive its own command",
          () -> Optional.of(spy.received()).filter(received -> !received.isEmpty()),
          ExternalBrokerIT::diagnosis);

      boolean refused = trySubscribe(spy, COMMANDS_TOPIC.formatted(uuid));
      JsonNode identify = owner.run(uuid, "{\"type\":\"identify\"}");

      assertThat(identify.path("status").asText()).as("%s", identify).isEqualTo("SUCCEEDED");
      assertThat(spy.received())
          .as("messages after a subscription that was %s", refused ? "refused" : "accepted")
          .noneMatch(message -> message.startsWith(COMMANDS_TOPIC.formatted(uuid)));
    }
  }

  /** Returns true when the broker refuses the subscription outright, false when it is silent. */
  private static boolean trySubscribe(MqttDevice client, String topic) {
    try {
      client.subscribe(topic);
      return false;
    } catch (MqttException e) {
      return true;
    }
  }
}
