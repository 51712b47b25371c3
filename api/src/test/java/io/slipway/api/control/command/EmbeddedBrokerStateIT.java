package io.slipway.api.control.command;

import static io.slipway.api.control.TestMqttDevice.awaitCondition;
import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.control.TestMqttDevice;
import io.slipway.api.control.broker.ControlBroker;
import io.slipway.api.control.broker.TrustedCertificates;
import io.slipway.api.control.link.ControlLink;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * How the embedded broker's view of a device decides commands and admission: the broker, not the
 * device's retained presence, says whether a device is connected, and a fleet switched back on lets
 * its devices in at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedBrokerStateIT {

  private static final String ORG = "broker-state-org";
  private static final String DEVICE_TYPE = "generic-amd64";

  @TempDir static Path dataDirectory;

  private ControlPlaneFixture fixture;
  private ControlLink link;
  private ControlBroker broker;
  private String operator;
  private String owner;
  private final AtomicInteger fleets = new AtomicInteger();

  /** A registered device that learned the broker's endpoint, and its fleet. */
  private record Admitted(String fleet, String uuid, String key, JsonNode channel) {}

  @BeforeAll
  void start() {
    fixture = ControlPlaneFixture.start(TestDatabase.h2(), dataDirectory);
    link = fixture.server().getBean(ControlLink.class);
    broker = fixture.server().getBean(ControlBroker.class);
    fixture.createOrganization(ORG);
    operator = fixture.user("operator", ORG, Role.OPERATOR);
    owner = fixture.user("owner", ORG, Role.OWNER);
  }

  @AfterAll
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** Registers a device in a fleet of its own and calls its control-channel endpoint once. */
  private Admitted admitted() {
    String fleet = "fleet-" + fleets.incrementAndGet();
    fixture.createFleet(ORG, fleet, DEVICE_TYPE, false);
    String provisioningKey = fixture.provisioningKey(ORG, fleet, "{\"name\":\"factory\"}");
    String uuid = ControlPlaneFixture.newUuid();
    String key = fixture.registeredDevice(provisioningKey, uuid, DEVICE_TYPE);
    JsonNode channel =
        expect(fixture.get("/device/v1/" + uuid + "/control-channel", key), 200).json();
    return new Admitted(fleet, uuid, key, channel);
  }

  private TestMqttDevice connect(Admitted device) throws Exception {
    return TestMqttDevice.connect(
        EmbeddedCommandsIT.pahoUrl(device.channel().path("url").asString()),
        device.uuid(),
        device.key(),
        TrustedCertificates.trustingPem(device.channel().path("caCertificate").asString()));
  }

  private String fleetChannel(Admitted device) {
    return "/api/v1/orgs/" + ORG + "/fleets/" + device.fleet() + "/control-channel";
  }

  @Test
  void connectedDeviceWithoutPresenceTakesCommands() throws Exception {
    Admitted admitted = admitted();
    try (TestMqttDevice device = connect(admitted)) {
      // An empty retained message clears the presence that connect published.
      device.publishPresence("");
      awaitCondition("the presence is cleared", () -> !link.isOnline(admitted.uuid()));

      Response sent =
          fixture.post(
              "/api/v1/devices/" + admitted.uuid() + "/commands",
              operator,
              "{\"type\":\"identify\"}");

      assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    }
  }

  @Test
  void fleetSwitchedOnLetsDevicesBackAtOnce() throws Exception {
    Admitted admitted = admitted();
    try (TestMqttDevice device = connect(admitted)) {
      expect(fixture.put(fleetChannel(admitted), fixture.adminToken(), "{\"enabled\":false}"), 200);
      awaitCondition("the device is cut off", () -> !broker.isConnected(admitted.uuid()));
    }

    expect(fixture.put(fleetChannel(admitted), owner, "{\"enabled\":true}"), 200);

    // No call to the device's control-channel endpoint in between.
    try (TestMqttDevice device = connect(admitted)) {
      assertThat(broker.isConnected(admitted.uuid())).isTrue();
    }
  }

  @Test
  void switchedOffDeviceGetsDisableChannel() throws Exception {
    Admitted admitted = admitted();
    try (TestMqttDevice device = connect(admitted)) {
      expect(
          fixture.put(
              "/api/v1/devices/" + admitted.uuid() + "/control-channel",
              operator,
              "{\"enabled\":false}"),
          200);

      JsonNode notice = device.nextCommand();

      assertThat(notice.path("type").asString()).isEqualTo("disable-channel");
      awaitCondition("the device is cut off", () -> !broker.isConnected(admitted.uuid()));
    }
  }

  @Test
  void revokedDeviceIsRefusedAtOnce() throws Exception {
    Admitted admitted = admitted();
    try (TestMqttDevice device = connect(admitted)) {
      expect(fixture.delete("/api/v1/devices/" + admitted.uuid() + "/key", operator), 204);

      Response sent =
          fixture.post(
              "/api/v1/devices/" + admitted.uuid() + "/commands",
              operator,
              "{\"type\":\"identify\"}");

      assertThat(sent.status()).isEqualTo(409);
      assertThat(sent.code()).isEqualTo("DEVICE_NOT_CONNECTED");
    }
  }
}
