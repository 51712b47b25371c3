package io.slipway.api.control.command;

import static io.slipway.api.control.TestMqttDevice.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.control.OpenMosquittoBroker;
import io.slipway.api.control.TestMqttDevice;
import io.slipway.api.control.link.ControlLink;
import io.slipway.api.control.link.PahoControlLink;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.testing.TestDatabase;
import io.slipway.testing.mqtt.MosquittoProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose broker went away: target changes still succeed, and commands are refused instead
 * of being left pending.
 */
class UpdatesWithoutBrokerIT {

  private static final String ORG = "lost-broker";
  private static final String FLEET = "main";

  @TempDir Path dataDirectory;
  @TempDir Path brokerDirectory;

  @Test
  void targetChangeSurvivesBrokerLoss() throws Exception {
    MosquittoProcess broker = MosquittoProcess.startOpen(brokerDirectory);
    try (ControlPlaneFixture fixture =
        ControlPlaneFixture.start(
            TestDatabase.h2(),
            dataDirectory,
            "--spring.main.sources=" + OpenMosquittoBroker.Configuration.class.getName(),
            "--" + OpenMosquittoBroker.URL_SETTING + "=" + broker.url())) {
      PahoControlLink link = (PahoControlLink) fixture.server().getBean(ControlLink.class);
      fixture.createOrganization(ORG);
      fixture.createFleet(ORG, FLEET, "generic-amd64", false);
      String key = fixture.provisioningKey(ORG, FLEET, "{\"name\":\"factory\"}");
      String uuid = ControlPlaneFixture.newUuid();
      String deviceKey = fixture.registeredDevice(key, uuid, "generic-amd64");
      String operator = fixture.user("operator", ORG, Role.OPERATOR);
      TestMqttDevice device = TestMqttDevice.connect(broker.url(), uuid, deviceKey);
      awaitCondition("the device is online", () -> link.isOnline(uuid));

      broker.close();
      awaitCondition("the link notices the broker is gone", () -> !link.isConnected());
      Response target =
          fixture.put(
              "/api/v1/orgs/" + ORG + "/fleets/" + FLEET + "/target",
              fixture.adminToken(),
              "{\"trackLatest\":true}");
      Response command =
          fixture.post("/api/v1/devices/" + uuid + "/commands", operator, "{\"type\":\"update\"}");
      device.close();

      assertThat(target.status()).isEqualTo(200);
      // Mosquitto publishes the device's last will when it shuts down, and whether the server
      // reads it before its own connection drops decides which of the two refusals it gives.
      assertThat(command.code()).isIn("DEVICE_NOT_CONNECTED", "CONTROL_CHANNEL_UNAVAILABLE");
      assertThat(
              fixture
                  .jdbc()
                  .sql("SELECT COUNT(*) FROM device_command WHERE status = 'PENDING'")
                  .query(Integer.class)
                  .single())
          .isZero();
    } finally {
      broker.close();
    }
  }
}
