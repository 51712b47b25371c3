package io.slipway.api.control.channel;

import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static io.slipway.api.fleet.ControlPlaneFixture.newUuid;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.control.broker.DeviceAdmission;
import io.slipway.api.control.channel.RecordingBrokerConfiguration.RecordingBroker;
import io.slipway.api.device.Device;
import io.slipway.api.device.DeviceRepository;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control channel's fleet and device switches, their lapse, what devices receive, and which
 * devices the broker admits, on a running server whose embedded broker is wrapped to record the
 * calls it gets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlChannelIT {

  /** Returns the database the server runs on; a subclass runs the same tests on another. */
  TestDatabase database() {
    return TestDatabase.h2();
  }

  private static final String FLEET = "/api/v1/orgs/acme/fleets/alpha/control-channel";

  private ControlPlaneFixture fixture;
  private RecordingBroker broker;
  private DeviceAdmission admission;
  private String provisioningKey;
  private String operator;
  private String owner;
  private String uuid;
  private String key;

  @BeforeAll
  void startServer(@TempDir Path dataDirectory) {
    fixture =
        ControlPlaneFixture.start(database(), dataDirectory, RecordingBrokerConfiguration.ARGUMENT);
    broker = fixture.server().getBean(RecordingBroker.class);
    admission = fixture.server().getBean(DeviceAdmission.class);
    fixture.createOrganization("acme");
    fixture.createFleet("acme", "alpha", "raspberrypi4-64", false);
    fixture.createFleet("acme", "gated", "raspberrypi4-64", true);
    provisioningKey = fixture.provisioningKey("acme", "alpha", "{\"name\":\"batch\"}");
    operator = fixture.user("olivia", "acme", Role.OPERATOR);
    owner = fixture.user("oscar", "acme", Role.OWNER);
  }

  @BeforeEach
  void newDevice() {
    expect(fixture.put(FLEET, owner, "{\"enabled\":true}"), 200);
    uuid = newUuid();
    key = fixture.registeredDevice(provisioningKey, uuid, "raspberrypi4-64");
  }

  @AfterAll
  void stopServer() {
    fixture.close();
  }

  @Test
  void deviceFollowsItsFleetByDefault() {
    Response state = expect(fixture.get(device(), operator), 200);

    assertThat(state.json().path("enabled").asBoolean()).isTrue();
    assertThat(state.json().path("setting").asString()).isEqualTo("fleet");
    assertThat(state.json().path("fleetEnabled").asBoolean()).isTrue();
    assertThat(state.json().path("until").isNull()).isTrue();
  }

  @Test
  void fleetSwitchCutsItsDevicesOff() {
    Response fleet = expect(fixture.put(FLEET, fixture.adminToken(), "{\"enabled\":false}"), 200);

    assertThat(fleet.json().path("enabled").asBoolean()).isFalse();
    Response state = expect(fixture.get(device(), operator), 200);
    assertThat(state.json().path("enabled").asBoolean()).isFalse();
    assertThat(state.json().path("fleetEnabled").asBoolean()).isFalse();
    // The cut follows disable-channel after BrokerCutoff.NOTICE_TIME.
    awaitCondition(() -> broker.revoked().contains(uuid), "device " + uuid + " to be cut off");
  }

  @Test
  void fleetSwitchedOnReadmitsItsDevices() {
    expect(fixture.put(FLEET, fixture.adminToken(), "{\"enabled\":false}"), 200);

    expect(fixture.put(FLEET, owner, "{\"enabled\":true}"), 200);

    assertThat(broker.readmitted()).contains(uuid);
  }

  @Test
  void deviceSwitchedOnIsReadmitted() {
    expect(fixture.put(device(), operator, "{\"enabled\":false}"), 200);

    expect(fixture.put(device(), operator, "{\"enabled\":true}"), 200);

    assertThat(broker.readmitted()).contains(uuid);
  }

  @Test
  void deviceSettingBeatsItsFleet() {
    expect(fixture.put(FLEET, fixture.adminToken(), "{\"enabled\":false}"), 200);
    long before = System.currentTimeMillis();

    Response state =
        expect(fixture.put(device(), operator, "{\"enabled\":true,\"for\":\"PT2H\"}"), 200);

    assertThat(state.json().path("enabled").asBoolean()).isTrue();
    assertThat(state.json().path("setting").asString()).isEqualTo("on");
    assertThat(state.json().path("until").asLong())
        .isGreaterThanOrEqualTo(before + Duration.ofHours(2).toMillis());
  }

  @Test
  void deviceSwitchedOffIsCutOff() {
    Response state = expect(fixture.put(device(), operator, "{\"enabled\":false}"), 200);

    assertThat(state.json().path("enabled").asBoolean()).isFalse();
    assertThat(state.json().path("setting").asString()).isEqualTo("off");
    assertThat(state.json().path("until").isNull()).isTrue();
    // The cut follows disable-channel after BrokerCutoff.NOTICE_TIME.
    awaitCondition(() -> broker.revoked().contains(uuid), "device " + uuid + " to be cut off");
  }

  @Test
  void nullSettingFollowsFleetAgain() {
    expect(fixture.put(device(), operator, "{\"enabled\":false}"), 200);

    Response state = expect(fixture.put(device(), operator, "{\"enabled\":null}"), 200);

    assertThat(state.json().path("setting").asString()).isEqualTo("fleet");
    assertThat(state.json().path("enabled").asBoolean()).isTrue();
  }

  @Test
  void lapsedSettingFollowsFleetAgain() {
    expect(fixture.put(FLEET, fixture.adminToken(), "{\"enabled\":false}"), 200);
    expect(fixture.put(device(), operator, "{\"enabled\":true,\"for\":\"PT1M\"}"), 200);
    int revokedBefore = countOf(broker.revoked(), uuid);
    // Moves the end of the setting into the past instead of waiting a minute for it.
    fixture
        .jdbc()
        .sql("UPDATE device SET control_channel_until = ? WHERE uuid = ?")
        .params(System.currentTimeMillis() - 1, uuid)
        .update();

    awaitCondition(
        () -> !auditActors("device.control-channel.lapsed").isEmpty(),
        "the setting of device " + uuid + " to lapse");

    assertThat(auditActors("device.control-channel.lapsed"))
        .containsExactly("system:control-channel");
    assertThat(setting()).isEqualTo("fleet");
    assertThat(expect(fixture.get(device(), operator), 200).json().path("enabled").asBoolean())
        .isFalse();
    assertThat(
            fixture
                .jdbc()
                .sql(
                    "SELECT COUNT(*) FROM device WHERE uuid = ? AND control_channel IS NULL"
                        + " AND control_channel_until IS NULL")
                .param(uuid)
                .query(Long.class)
                .single())
        .isEqualTo(1L);
    awaitCondition(
        () -> countOf(broker.revoked(), uuid) > revokedBefore,
        "device " + uuid + " to be cut off after its setting lapsed");
  }

  @Test
  void fleetFilterMatchesEachSwitch() {
    String off = newUuid();
    fixture.registeredDevice(provisioningKey, off, "raspberrypi4-64");
    expect(
        fixture.put("/api/v1/devices/" + off + "/control-channel", operator, "{\"enabled\":false}"),
        200);
    ChannelSettings settings = fixture.server().getBean(ChannelSettings.class);
    DeviceRepository devices = fixture.server().getBean(DeviceRepository.class);
    long fleetId = devices.findByUuid(uuid).orElseThrow().fleetId();
    List<Device> fleet = devices.findByFleet(fleetId);

    List<String> filtered =
        settings.filterEnabled(fleetId, fleet).stream().map(Device::uuid).toList();

    assertThat(filtered).contains(uuid);
    assertThat(filtered).doesNotContain(off);
    assertThat(filtered)
        .containsExactlyElementsOf(
            fleet.stream().filter(settings::isEnabled).map(Device::uuid).toList());
  }

  @Test
  void changesAreAudited() {
    expect(fixture.put(device(), operator, "{\"enabled\":false}"), 200);

    assertThat(auditActors("device.control-channel.changed")).containsExactly("olivia");
  }

  @Test
  void forWithoutEnabledIsRejected() {
    Response response = fixture.put(device(), operator, "{\"enabled\":null,\"for\":\"PT2H\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("INVALID_PARAMETER");
  }

  @Test
  void forOutOfRangeIsRejected() {
    for (String duration : List.of("PT59S", "P8D", "two hours", "-PT1H")) {
      Response response =
          fixture.put(device(), operator, "{\"enabled\":true,\"for\":\"" + duration + "\"}");

      assertThat(response.status()).as(duration).isEqualTo(400);
      assertThat(response.body()).as(duration).contains(duration);
    }
    assertThat(setting()).isEqualTo("fleet");
  }

  @Test
  void fleetBodyWithoutEnabledIsRejected() {
    Response response = fixture.put(FLEET, fixture.adminToken(), "{}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("INVALID_REQUEST_BODY");
  }

  @Test
  void deviceIsToldWhereToConnect() {
    Response answer = expect(fixture.get(self(), key), 200);

    assertThat(answer.json().path("enabled").asBoolean()).isTrue();
    assertThat(answer.json().path("url").asString()).startsWith("mqtts://");
    assertThat(answer.json().path("caCertificate").asString()).startsWith("-----BEGIN");
    assertThat(answer.json().path("keepAliveSeconds").asInt()).isEqualTo(60);
    assertThat(broker.admitted()).contains(uuid + ":" + key);
  }

  @Test
  void deviceIsToldWhenChannelIsOff() {
    expect(fixture.put(device(), operator, "{\"enabled\":false}"), 200);

    Response answer = expect(fixture.get(self(), key), 200);

    assertThat(answer.json().path("enabled").asBoolean()).isFalse();
    assertThat(answer.json().has("url")).isFalse();
    assertThat(broker.admitted()).doesNotContain(uuid + ":" + key);
  }

  @Test
  void admissionTakesCurrentKey() {
    assertThat(admission.admits(uuid, key)).isTrue();
  }

  @Test
  void admissionRejectsWrongKey() {
    String other = newUuid();
    String otherKey = fixture.registeredDevice(provisioningKey, other, "raspberrypi4-64");

    assertThat(admission.admits(uuid, otherKey)).isFalse();
    assertThat(admission.admits(other, key)).isFalse();
    assertThat(admission.admits(uuid, "sld_unknown")).isFalse();
  }

  @Test
  void admissionRejectsUnapprovedDevice() {
    String gatedKey = fixture.provisioningKey("acme", "gated", "{\"name\":\"gated\"}");
    String waiting = newUuid();
    String waitingKey =
        expect(fixture.register(gatedKey, waiting, "raspberrypi4-64"), 201)
            .json()
            .path("deviceKey")
            .asString();

    assertThat(admission.admits(waiting, waitingKey)).isFalse();
  }

  @Test
  void admissionStopsWhenChannelTurnsOff() {
    assertThat(admission.admits(uuid, key)).isTrue();

    expect(fixture.put(device(), operator, "{\"enabled\":false}"), 200);

    assertThat(admission.admits(uuid, key)).isFalse();
  }

  @Test
  void admissionStopsAtOnceOnRevocation() {
    assertThat(admission.admits(uuid, key)).isTrue();

    expect(fixture.delete("/api/v1/devices/" + uuid + "/key", operator), 204);

    assertThat(admission.admits(uuid, key)).isFalse();
    assertThat(broker.revoked()).contains(uuid);
  }

  @Test
  void deletedDeviceIsCutOff() {
    assertThat(admission.admits(uuid, key)).isTrue();

    expect(fixture.delete("/api/v1/devices/" + uuid, operator), 204);

    assertThat(admission.admits(uuid, key)).isFalse();
    assertThat(broker.revoked()).contains(uuid);
  }

  private String device() {
    return "/api/v1/devices/" + uuid + "/control-channel";
  }

  private String self() {
    return "/device/v1/" + uuid + "/control-channel";
  }

  private String setting() {
    return expect(fixture.get(device(), operator), 200).json().path("setting").asString();
  }

  private List<String> auditActors(String action) {
    return fixture
        .jdbc()
        .sql("SELECT actor FROM audit_log WHERE action = ? AND target = ? ORDER BY id")
        .params(action, uuid)
        .query(String.class)
        .list();
  }

  private static int countOf(List<String> values, String value) {
    return (int) values.stream().filter(value::equals).count();
  }

  /** Polls {@code condition} for up to 30 seconds; the lapse check runs every 5 seconds. */
  static void awaitCondition(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after 30 s waiting for " + what);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for " + what, e);
      }
    }
  }
}
