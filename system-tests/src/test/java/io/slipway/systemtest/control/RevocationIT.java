package io.slipway.systemtest.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.agent.control.CaTrust;
import io.slipway.systemtest.agent.Poll;
import io.slipway.systemtest.builder.BuildApi;
import io.slipway.systemtest.builder.BuildApi.Reply;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Revoking a device's key, and deleting a device, against the real agent connected to the embedded
 * broker: the broker drops the agent's connection at once, the key no longer works on the HTTP API,
 * and a raw MQTT client that presents the old key is rejected. Each test has its own device on the
 * one server. No Docker engine is needed: the fleet has no release.
 */
class RevocationIT {

  /** How long "at once" may take: the broker's kick, and one look by the test. */
  private static final Duration AT_ONCE = Duration.ofSeconds(10);

  private static final Duration CONNECT = Duration.ofSeconds(30);
  private static final List<String> FAST_POLLS =
      List.of("--poll-interval", "1s", "--report-interval", "1s");

  private static ControlServer server;
  private static ControlApi owner;
  private static int brokerPort;

  @BeforeAll
  static void startServer() throws Exception {
    server = ControlServer.start("RevocationIT");
    owner = server.admin();
    brokerPort =
        server
            .brokerPort()
            .orElseThrow(() -> new AssertionError("No control-broker.port\n" + server.logTail()));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** Starts a device and waits until both the broker and its process show it connected. */
  private static ControlDevice connectedDevice(String name) {
    ControlDevice device = server.startDevice(name, FAST_POLLS);
    String uuid = device.uuid();
    Poll.until(
        CONNECT,
        "device " + uuid + " to connect to the broker",
        () -> {
          device.requireRunning();
          return Optional.of(
                  owner.connected(uuid) && ProcessSockets.connectedTo(device.pid(), brokerPort))
              .filter(c -> c);
        },
        device::diagnosis);
    return device;
  }

  /** Returns what the device's own key reads at {@code GET /device/v1/{uuid}/control-channel}. */
  private static Reply deviceChannel(String uuid, String key) {
    return new BuildApi(server.stack(), key)
        .send("GET", "/device/v1/" + uuid + "/control-channel", null);
  }

  private static void awaitAgentCutOff(ControlDevice device) {
    Poll.until(
        AT_ONCE,
        "the broker to drop the connection of device " + device.uuid(),
        () -> Optional.of(!ProcessSockets.connectedTo(device.pid(), brokerPort)).filter(c -> c),
        device::diagnosis);
  }

  /** Asserts that the HTTP API and the broker both reject {@code key}. */
  private static void assertKeyRejected(String uuid, String key, JsonNode endpoint) {
    Reply http = deviceChannel(uuid, key);
    assertThat(http.status()).as(http.text()).isEqualTo(401);

    URI url = URI.create(endpoint.path("url").asText());
    // The agent's own trust code, so the test trusts the broker exactly as a device does.
    SSLSocketFactory tls = CaTrust.socketFactory(endpoint.path("caCertificate").asText());
    assertThatThrownBy(() -> MqttDevice.connect(url, uuid, key, tls).close())
        .isInstanceOf(MqttException.class)
        .extracting(e -> ((MqttException) e).getReasonCode())
        .isIn(
            (int) MqttException.REASON_CODE_FAILED_AUTHENTICATION,
            (int) MqttException.REASON_CODE_NOT_AUTHORIZED);
  }

  private static JsonNode endpointOf(String uuid, String key) {
    Reply endpoint = deviceChannel(uuid, key);
    assertThat(endpoint.status()).as(endpoint.text()).isEqualTo(200);
    assertThat(endpoint.json().path("url").asText()).as(endpoint.text()).startsWith("mqtts://");
    return endpoint.json();
  }

  @Test
  void revokedDeviceDisconnectsAtOnce() {
    ControlDevice device = connectedDevice("revoked");
    String uuid = device.uuid();
    String key = device.deviceKey();
    JsonNode endpoint = endpointOf(uuid, key);

    Reply revoked = owner.revokeKey(uuid);

    assertThat(revoked.status()).as(revoked.text()).isBetween(200, 204);
    Poll.until(
        AT_ONCE,
        "the API to report device " + uuid + " disconnected",
        () -> Optional.of(!owner.connected(uuid)).filter(c -> c),
        device::diagnosis);
    awaitAgentCutOff(device);
    assertKeyRejected(uuid, key, endpoint);
  }

  @Test
  void deletedDeviceDisconnectsAtOnce() {
    ControlDevice device = connectedDevice("deleted");
    String uuid = device.uuid();
    String key = device.deviceKey();
    JsonNode endpoint = endpointOf(uuid, key);

    Reply deleted = owner.deleteDevice(uuid);

    assertThat(deleted.status()).as(deleted.text()).isBetween(200, 204);
    awaitAgentCutOff(device);
    assertKeyRejected(uuid, key, endpoint);
  }
}
