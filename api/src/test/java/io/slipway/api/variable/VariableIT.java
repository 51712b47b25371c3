package io.slipway.api.variable;

import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static io.slipway.api.fleet.ControlPlaneFixture.newUuid;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.device.DeviceRepository;
import io.slipway.api.event.FleetTargetChanged;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VariableIT {

  /** Returns the database the server runs on; a subclass runs the same tests on another. */
  TestDatabase database() {
    return TestDatabase.h2();
  }

  private static final String FLEET = "/api/v1/orgs/acme/fleets/kiosks/variables";

  private ControlPlaneFixture fixture;
  private String admin;
  private String uuid;
  private String deviceKey;
  private static final List<FleetTargetChanged> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  void startServer(@TempDir Path dataDirectory) {
    fixture = ControlPlaneFixture.start(database(), dataDirectory);
    fixture
        .server()
        .addApplicationListener(
            (ApplicationListener<PayloadApplicationEvent<?>>)
                event -> {
                  if (event.getPayload() instanceof FleetTargetChanged changed) {
                    events.add(changed);
                  }
                });
    admin = fixture.adminToken();
    fixture.createOrganization("acme");
    fixture.createFleet("acme", "kiosks", "generic-amd64", false);
    uuid = newUuid();
    deviceKey =
        fixture.registeredDevice(
            fixture.provisioningKey("acme", "kiosks", "{\"name\":\"k\"}"), uuid, "generic-amd64");
  }

  @AfterAll
  void stopServer() {
    fixture.close();
  }

  private void put(String path, String value) {
    Response response = fixture.put(path, admin, "{\"value\":\"" + value + "\"}");
    assertThat(response.status()).as(response.body()).isIn(200, 201);
  }

  @Test
  void mostSpecificLevelWinsForTheDevice() {
    put(FLEET + "/LEVEL", "fleet");
    put(FLEET + "/LEVEL?service=web", "fleet-service");
    put("/api/v1/devices/" + uuid + "/variables/LEVEL", "device");
    put("/api/v1/devices/" + uuid + "/variables/LEVEL?service=db", "device-service");
    put(FLEET + "/LEVEL?service=worker", "fleet-worker");

    Response effective = expect(fixture.get("/device/v1/" + uuid + "/variables", deviceKey), 200);

    assertThat(effective.json().path("environment").path("LEVEL").asString()).isEqualTo("device");
    assertThat(effective.json().path("services").path("web").path("LEVEL").asString())
        .isEqualTo("device");
    assertThat(effective.json().path("services").path("db").path("LEVEL").asString())
        .isEqualTo("device-service");
    assertThat(effective.json().path("services").path("worker").path("LEVEL").asString())
        .isEqualTo("device");
  }

  @Test
  void resolverGivesPerServiceEnvironment() {
    put(FLEET + "/REGION?service=api", "eu");
    put(FLEET + "/REGION", "us");
    put(FLEET + "/SLIPWAY_POLL_INTERVAL", "30");
    var device = fixture.server().getBean(DeviceRepository.class).findByUuid(uuid).orElseThrow();

    EffectiveVariables effective =
        fixture.server().getBean(VariableResolver.class).forDevice(device);

    assertThat(effective.environmentOf("api")).containsEntry("REGION", "eu");
    assertThat(effective.environmentOf("other")).containsEntry("REGION", "us");
    assertThat(effective.environmentOf("api")).doesNotContainKey("SLIPWAY_POLL_INTERVAL");
    assertThat(effective.config()).containsEntry("SLIPWAY_POLL_INTERVAL", "30");
  }

  @Test
  void configVariableIsListedAsConfigKind() {
    put(FLEET + "/BALENA_HOST_CONFIG_gpu_mem", "128");

    Response configs = expect(fixture.get(FLEET + "?kind=CONFIG", admin), 200);

    assertThat(configs.json().findValuesAsString("name")).contains("BALENA_HOST_CONFIG_gpu_mem");
    assertThat(configs.json().findValuesAsString("kind")).containsOnly("CONFIG");
  }

  @Test
  void configVariableWithAServiceIsRefused() {
    Response response = fixture.put(FLEET + "/SLIPWAY_X?service=web", admin, "{\"value\":\"1\"}");

    assertThat(response.code()).isEqualTo("INVALID_VARIABLE");
  }

  @Test
  void kindThatContradictsTheNameIsRefused() {
    Response response = fixture.put(FLEET + "/PLAIN?kind=CONFIG", admin, "{\"value\":\"1\"}");

    assertThat(response.code()).isEqualTo("INVALID_VARIABLE");
  }

  @Test
  void invalidNameIsRefused() {
    Response response = fixture.put(FLEET + "/1ABC", admin, "{\"value\":\"1\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("INVALID_VARIABLE");
  }

  @Test
  void valueOverSixtyFourKibIsRefused() {
    String big = "x".repeat(64 * 1024 + 1);

    Response response = fixture.put(FLEET + "/BIG", admin, "{\"value\":\"" + big + "\"}");

    assertThat(response.code()).isEqualTo("INVALID_VARIABLE");
  }

  @Test
  void fleetWriteBumpsVersionAndPublishes() {
    long before = fleetVersion();
    events.clear();

    put(FLEET + "/BUMP", "1");

    assertThat(fleetVersion()).isGreaterThan(before);
    assertThat(events).extracting(FleetTargetChanged::reason).contains("variable.changed");
  }

  @Test
  void deviceWriteBumpsDeviceVersion() {
    long before = deviceVersion();
    events.clear();

    put("/api/v1/devices/" + uuid + "/variables/ONLY_ME", "1");

    assertThat(deviceVersion()).isGreaterThan(before);
    assertThat(events).extracting(FleetTargetChanged::deviceUuids).contains(List.of(uuid));
  }

  @Test
  void deletedVariableIsNotFound() {
    put(FLEET + "/GONE", "1");

    assertThat(fixture.delete(FLEET + "/GONE", admin).status()).isEqualTo(204);
    assertThat(fixture.get(FLEET + "/GONE", admin).code()).isEqualTo("VARIABLE_NOT_FOUND");
    assertThat(fixture.delete(FLEET + "/GONE", admin).code()).isEqualTo("VARIABLE_NOT_FOUND");
  }

  @Test
  void replacingAVariableAnswersOk() {
    put(FLEET + "/TWICE", "1");

    Response second = fixture.put(FLEET + "/TWICE", admin, "{\"value\":\"2\"}");

    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().path("value").asString()).isEqualTo("2");
  }

  @Test
  void viewerReadsButCannotWrite() {
    String viewer = fixture.user("viewer", "acme", Role.VIEWER);

    assertThat(fixture.get(FLEET, viewer).status()).isEqualTo(200);
    assertThat(fixture.put(FLEET + "/NOPE", viewer, "{\"value\":\"1\"}").status()).isEqualTo(403);
  }

  @Test
  void developerWritesVariables() {
    String developer = fixture.user("developer", "acme", Role.DEVELOPER);

    Response response = fixture.put(FLEET + "/DEV_SET", developer, "{\"value\":\"1\"}");

    assertThat(response.status()).isEqualTo(201);
  }

  @Test
  void auditEntryLeavesTheValueOut() {
    put(FLEET + "/SECRET_TOKEN", "hunter2hunter2");

    String details =
        fixture
            .jdbc()
            .sql(
                "SELECT details FROM audit_log WHERE action = 'variable.set' AND details LIKE '%SECRET_TOKEN%'")
            .query(String.class)
            .single();

    assertThat(details).doesNotContain("hunter2hunter2");
  }

  private long fleetVersion() {
    return fixture
        .jdbc()
        .sql("SELECT target_version FROM fleet WHERE slug = 'kiosks'")
        .query(Long.class)
        .single();
  }

  private long deviceVersion() {
    return fixture
        .jdbc()
        .sql("SELECT target_version FROM device WHERE uuid = ?")
        .param(uuid)
        .query(Long.class)
        .single();
  }
}
