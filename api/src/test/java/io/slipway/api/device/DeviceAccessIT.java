package io.slipway.api.device;

import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static io.slipway.api.fleet.ControlPlaneFixture.newUuid;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Two fleets with one device each: what each device and each user may read and change. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceAccessIT {

  /** Returns the database the server runs on; a subclass runs the same tests on another. */
  TestDatabase database() {
    return TestDatabase.h2();
  }

  private ControlPlaneFixture fixture;
  private String uuidA;
  private String keyA;
  private String uuidB;
  private String keyB;

  @BeforeAll
  void startServer(@TempDir Path dataDirectory) {
    fixture = ControlPlaneFixture.start(database(), dataDirectory);
    fixture.createOrganization("acme");
    fixture.createOrganization("globex");
    fixture.createFleet("acme", "alpha", "raspberrypi4-64", false);
    fixture.createFleet("globex", "beta", "raspberrypi4-64", false);
    uuidA = newUuid();
    keyA =
        fixture.registeredDevice(
            fixture.provisioningKey("acme", "alpha", "{\"name\":\"a\"}"), uuidA, "raspberrypi4-64");
    uuidB = newUuid();
    keyB =
        fixture.registeredDevice(
            fixture.provisioningKey("globex", "beta", "{\"name\":\"b\"}"),
            uuidB,
            "raspberrypi4-64");
    expect(
        fixture.put(
            "/api/v1/orgs/acme/fleets/alpha/variables/GREETING",
            fixture.adminToken(),
            "{\"value\":\"hello a\"}"),
        201);
    expect(
        fixture.put(
            "/api/v1/orgs/globex/fleets/beta/variables/GREETING",
            fixture.adminToken(),
            "{\"value\":\"hello b\"}"),
        201);
  }

  @AfterAll
  void stopServer() {
    fixture.close();
  }

  @Test
  void deviceReadsItself() {
    Response self = expect(fixture.get("/device/v1/" + uuidA, keyA), 200);

    assertThat(self.json().path("uuid").asString()).isEqualTo(uuidA);
  }

  @Test
  void deviceCannotReadAnotherDevice() {
    assertThat(fixture.get("/device/v1/" + uuidB, keyA).status()).isEqualTo(403);
    assertThat(fixture.get("/device/v1/" + uuidB + "/fleet", keyA).status()).isEqualTo(403);
    assertThat(fixture.get("/device/v1/" + uuidB + "/variables", keyA).status()).isEqualTo(403);
  }

  @Test
  void deviceCannotChangeAnotherDevice() {
    Response response = fixture.patch("/device/v1/" + uuidB, keyA, "{\"name\":\"hijacked\"}");

    assertThat(response.status()).isEqualTo(403);
    assertThat(fixture.get("/device/v1/" + uuidB, keyB).json().path("name").asString())
        .isNotEqualTo("hijacked");
  }

  @Test
  void deviceCannotUseThePeopleApi() {
    assertThat(fixture.get("/api/v1/orgs/globex/fleets/beta", keyA).status()).isEqualTo(403);
    assertThat(fixture.get("/api/v1/orgs/acme/fleets/alpha", keyA).status()).isEqualTo(403);
    assertThat(fixture.get("/api/v1/devices/" + uuidA, keyA).status()).isEqualTo(403);
    assertThat(fixture.get("/api/v1/orgs/globex/fleets/beta/devices", keyA).status())
        .isEqualTo(403);
    assertThat(fixture.get("/api/v1/orgs/acme/fleets/alpha/variables", keyA).status())
        .isEqualTo(403);
  }

  @Test
  void deviceReadsOnlyItsOwnFleet() {
    Response fleet = expect(fixture.get("/device/v1/" + uuidA + "/fleet", keyA), 200);

    assertThat(fleet.json().path("org").asString()).isEqualTo("acme");
    assertThat(fleet.json().path("slug").asString()).isEqualTo("alpha");
    assertThat(fleet.json().path("platform").asString()).isEqualTo("linux/arm64");
  }

  @Test
  void deviceReadsItsOwnFleetsVariablesOnly() {
    Response variables = expect(fixture.get("/device/v1/" + uuidA + "/variables", keyA), 200);

    assertThat(variables.json().path("environment").path("GREETING").asString())
        .isEqualTo("hello a");
  }

  @Test
  void deviceChangesItsOwnMetadata() {
    String body =
        "{\"osVersion\":\"slipway-os 1.2\",\"addresses\":[\"10.0.0.5\",\"fe80::1\"],\"status\":\"UPDATING\"}";

    Response updated = expect(fixture.patch("/device/v1/" + uuidA, keyA, body), 200);

    assertThat(updated.json().path("osVersion").asString()).isEqualTo("slipway-os 1.2");
    assertThat(updated.json().path("addresses").get(1).asString()).isEqualTo("fe80::1");
    assertThat(updated.json().path("status").asString()).isEqualTo("UPDATING");
  }

  @Test
  void devicePatchIgnoresFieldsItMayNotChange() {
    String body = "{\"approved\":false,\"fleetId\":999,\"pinnedReleaseId\":1}";

    expect(fixture.patch("/device/v1/" + uuidA, keyA, body), 200);

    Response asAdmin = expect(fixture.get("/api/v1/devices/" + uuidA, fixture.adminToken()), 200);
    assertThat(asAdmin.json().path("approved").asBoolean()).isTrue();
    assertThat(asAdmin.json().path("fleet").asString()).isEqualTo("alpha");
  }

  @Test
  void deviceStatusMustBeAWord() {
    Response response = fixture.patch("/device/v1/" + uuidA, keyA, "{\"status\":\"<script>\"}");

    assertThat(response.code()).isEqualTo("INVALID_REQUEST_BODY");
  }

  @Test
  void outsiderSeesNoForeignDevice() {
    String viewer = fixture.user("acme-viewer", "acme", Role.VIEWER);

    assertThat(fixture.get("/api/v1/devices/" + uuidA, viewer).status()).isEqualTo(200);
    assertThat(fixture.get("/api/v1/devices/" + uuidB, viewer).code())
        .isEqualTo("DEVICE_NOT_FOUND");
    assertThat(fixture.get("/api/v1/orgs/globex/fleets/beta/devices", viewer).status())
        .isEqualTo(404);
  }

  @Test
  void viewerCannotRenameADevice() {
    String viewer = fixture.user("acme-viewer-2", "acme", Role.VIEWER);

    assertThat(fixture.patch("/api/v1/devices/" + uuidA, viewer, "{\"name\":\"x\"}").status())
        .isEqualTo(403);
  }

  @Test
  void operatorRenamesAndTagsADevice() {
    String operator = fixture.user("acme-operator", "acme", Role.OPERATOR);

    expect(fixture.patch("/api/v1/devices/" + uuidA, operator, "{\"name\":\"kiosk-1\"}"), 200);
    Response tagged =
        expect(
            fixture.put(
                "/api/v1/devices/" + uuidA + "/tags/site", operator, "{\"value\":\"berlin\"}"),
            200);

    assertThat(tagged.json().path("name").asString()).isEqualTo("kiosk-1");
    assertThat(tagged.json().path("tags").path("site").asString()).isEqualTo("berlin");
    assertThat(fixture.delete("/api/v1/devices/" + uuidA + "/tags/site", operator).status())
        .isEqualTo(204);
    assertThat(fixture.delete("/api/v1/devices/" + uuidA + "/tags/site", operator).code())
        .isEqualTo("TAG_NOT_FOUND");
  }

  @Test
  void fleetDeviceListShowsOnlyThatFleet() {
    Response devices =
        expect(fixture.get("/api/v1/orgs/acme/fleets/alpha/devices", fixture.adminToken()), 200);

    assertThat(devices.json()).hasSize(1);
    assertThat(devices.json().get(0).path("uuid").asString()).isEqualTo(uuidA);
  }

  @Test
  void deletedDeviceKeyStopsWorking() {
    String uuid = newUuid();
    String key =
        fixture.registeredDevice(
            fixture.provisioningKey("acme", "alpha", "{\"name\":\"doomed\"}"),
            uuid,
            "raspberrypi4-64");

    expect(fixture.delete("/api/v1/devices/" + uuid, fixture.adminToken()), 204);

    assertThat(fixture.get("/device/v1/" + uuid, key).status()).isEqualTo(401);
  }

  @Test
  void unapprovedDeviceKeyWorksOnlyAfterApproval() {
    fixture.createFleet("acme", "gated", "generic-amd64", true);
    String uuid = newUuid();
    Response registered =
        expect(
            fixture.register(
                fixture.provisioningKey("acme", "gated", "{\"name\":\"g\"}"),
                uuid,
                "generic-amd64"),
            201);
    String key = registered.json().path("deviceKey").asString();
    assertThat(registered.json().path("approved").asBoolean()).isFalse();

    Response before = fixture.get("/device/v1/" + uuid, key);
    assertThat(before.status()).isEqualTo(403);
    assertThat(before.code()).isEqualTo("DEVICE_NOT_APPROVED");
    assertThat(fixture.get("/device/v1/" + uuid + "/variables", key).code())
        .isEqualTo("DEVICE_NOT_APPROVED");

    String operator = fixture.user("gate-operator", "acme", Role.OPERATOR);
    assertThat(fixture.post("/api/v1/devices/" + uuid + "/approve", operator, null).status())
        .isEqualTo(403);
    expect(fixture.post("/api/v1/devices/" + uuid + "/approve", fixture.adminToken(), null), 200);

    assertThat(fixture.get("/device/v1/" + uuid, key).status()).isEqualTo(200);
    long audited =
        fixture
            .jdbc()
            .sql("SELECT COUNT(*) FROM audit_log WHERE action = 'device.approved' AND target = ?")
            .param(uuid)
            .query(Long.class)
            .single();
    assertThat(audited).isEqualTo(1);
  }
}
