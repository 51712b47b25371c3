package io.slipway.api.device;

import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static io.slipway.api.fleet.ControlPlaneFixture.newUuid;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Revoking a device's key: the key stops working at once and the device cannot re-register. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceKeyRevocationIT {

  /** Returns the database the server runs on; a subclass runs the same tests on another. */
  TestDatabase database() {
    return TestDatabase.h2();
  }

  private ControlPlaneFixture fixture;
  private String provisioningKey;
  private String operator;
  private String uuid;
  private String key;

  @BeforeAll
  void startServer(@TempDir Path dataDirectory) {
    fixture = ControlPlaneFixture.start(database(), dataDirectory);
    fixture.createOrganization("acme");
    fixture.createFleet("acme", "alpha", "raspberrypi4-64", false);
    provisioningKey = fixture.provisioningKey("acme", "alpha", "{\"name\":\"batch\"}");
    operator = fixture.user("olivia", "acme", Role.OPERATOR);
  }

  @BeforeEach
  void newDevice() {
    uuid = newUuid();
    key = fixture.registeredDevice(provisioningKey, uuid, "raspberrypi4-64");
    expect(fixture.get("/device/v1/" + uuid, key), 200);
  }

  @AfterAll
  void stopServer() {
    fixture.close();
  }

  @Test
  void revokedKeyErrorNamesTheFix() {
    expect(fixture.delete(revocation(), operator), 204);

    Response refused = fixture.get("/device/v1/" + uuid, key);

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.body()).contains("must be deleted and registered again");
    assertThat(refused.body()).doesNotContain("create a new one");
  }

  @Test
  void revokedKeyIsRefusedAtOnce() {
    expect(fixture.delete(revocation(), operator), 204);

    assertThat(fixture.get("/device/v1/" + uuid, key).status()).isEqualTo(401);
    assertThat(fixture.get("/device/v1/" + uuid + "/control-channel", key).status()).isEqualTo(401);
  }

  @Test
  void revocationIsAudited() {
    expect(fixture.delete(revocation(), operator), 204);

    assertThat(actions()).containsExactly("device.key.revoked");
  }

  @Test
  void revokingAgainChangesNothing() {
    expect(fixture.delete(revocation(), operator), 204);

    expect(fixture.delete(revocation(), operator), 204);

    assertThat(actions()).containsExactly("device.key.revoked");
  }

  @Test
  void revokedDeviceCannotRegisterAgain() {
    expect(fixture.delete(revocation(), operator), 204);

    Response retry = fixture.register(provisioningKey, uuid, "raspberrypi4-64");

    assertThat(retry.status()).isEqualTo(409);
    assertThat(retry.code()).isEqualTo("DEVICE_UUID_TAKEN");
    assertThat(retry.json().path("message").asString()).contains("revoked");
  }

  @Test
  void unusedRevokedDeviceCannotRegisterAgain() {
    String unused = newUuid();
    fixture.registeredDevice(provisioningKey, unused, "raspberrypi4-64");
    expect(fixture.delete("/api/v1/devices/" + unused + "/key", operator), 204);

    Response retry = fixture.register(provisioningKey, unused, "raspberrypi4-64");

    assertThat(retry.code()).isEqualTo("DEVICE_UUID_TAKEN");
  }

  @Test
  void deletedDeviceRegistersAnew() {
    expect(fixture.delete(revocation(), operator), 204);
    expect(fixture.delete("/api/v1/devices/" + uuid, operator), 204);

    String newKey = fixture.registeredDevice(provisioningKey, uuid, "raspberrypi4-64");

    assertThat(fixture.get("/device/v1/" + uuid, newKey).status()).isEqualTo(200);
  }

  private String revocation() {
    return "/api/v1/devices/" + uuid + "/key";
  }

  private List<String> actions() {
    return fixture
        .jdbc()
        .sql("SELECT action FROM audit_log WHERE target = ? AND action LIKE 'device.key.%'")
        .param(uuid)
        .query(String.class)
        .list();
  }
}
