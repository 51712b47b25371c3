package io.slipway.api.control.channel;

import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static io.slipway.api.fleet.ControlPlaneFixture.newUuid;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.control.broker.DeviceAdmission;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A server started with {@code slipway.control.enabled=false} keeps every device's channel off. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelOffServerIT {

  private ControlPlaneFixture fixture;
  private String uuid;
  private String key;

  @BeforeAll
  void startServer(@TempDir Path dataDirectory) {
    fixture =
        ControlPlaneFixture.start(
            TestDatabase.h2(), dataDirectory, "--slipway.control.enabled=false");
    fixture.createOrganization("acme");
    fixture.createFleet("acme", "alpha", "raspberrypi4-64", false);
    uuid = newUuid();
    key =
        fixture.registeredDevice(
            fixture.provisioningKey("acme", "alpha", "{\"name\":\"batch\"}"),
            uuid,
            "raspberrypi4-64");
  }

  @AfterAll
  void stopServer() {
    fixture.close();
  }

  @Test
  void deviceIsToldChannelIsOff() {
    Response answer = expect(fixture.get("/device/v1/" + uuid + "/control-channel", key), 200);

    assertThat(answer.json().path("enabled").asBoolean()).isFalse();
    assertThat(answer.json().has("url")).isFalse();
  }

  @Test
  void deviceSettingCannotTurnItOn() {
    String path = "/api/v1/devices/" + uuid + "/control-channel";
    expect(
        fixture.put(path, fixture.user("olivia", "acme", Role.OPERATOR), "{\"enabled\":true}"),
        200);

    Response state = expect(fixture.get(path, fixture.adminToken()), 200);

    assertThat(state.json().path("enabled").asBoolean()).isFalse();
    assertThat(state.json().path("setting").asString()).isEqualTo("on");
    assertThat(state.json().path("connected").isNull()).isTrue();
  }

  @Test
  void admissionRejectsEveryDevice() {
    DeviceAdmission admission = fixture.server().getBean(DeviceAdmission.class);

    assertThat(admission.admits(uuid, key)).isFalse();
  }
}
