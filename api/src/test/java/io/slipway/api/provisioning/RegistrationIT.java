package io.slipway.api.provisioning;

import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static io.slipway.api.fleet.ControlPlaneFixture.newUuid;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.api.identity.BearerSecret;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistrationIT {

  /** Returns the database the server runs on; a subclass runs the same tests on another. */
  TestDatabase database() {
    return TestDatabase.h2();
  }

  private ControlPlaneFixture fixture;

  @BeforeAll
  void startServer(@TempDir Path dataDirectory) {
    fixture = ControlPlaneFixture.start(database(), dataDirectory);
    fixture.createOrganization("acme");
    fixture.createFleet("acme", "pis", "raspberrypi4-64", false);
    fixture.createFleet("acme", "pcs", "generic-amd64", false);
  }

  @AfterAll
  void stopServer() {
    fixture.close();
  }

  private String key(String fleet, String body) {
    return fixture.provisioningKey("acme", fleet, body);
  }

  private Response ownDevice(String uuid, String deviceKey) {
    return fixture.get("/device/v1/" + uuid, deviceKey);
  }

  private long useCount(String fleet, String name) {
    Response keys =
        expect(
            fixture.get(
                "/api/v1/orgs/acme/fleets/" + fleet + "/provisioning-keys", fixture.adminToken()),
            200);
    for (var key : keys.json()) {
      if (key.path("name").asString().equals(name)) {
        return key.path("useCount").asLong();
      }
    }
    throw new AssertionError("No key named " + name);
  }

  @Test
  void registrationReturnsAWorkingDeviceKey() {
    String uuid = newUuid();
    Response response =
        fixture.register(key("pis", "{\"name\":\"first\"}"), uuid, "raspberrypi4-64");

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.json().path("deviceKey").asString()).startsWith("sld_");
    assertThat(response.json().path("fleet").path("slug").asString()).isEqualTo("pis");
    assertThat(response.json().path("approved").asBoolean()).isTrue();
    assertThat(ownDevice(uuid, response.json().path("deviceKey").asString()).status())
        .isEqualTo(200);
  }

  @Test
  void earlyRetryRotatesKeyWithoutUse() {
    String provisioningKey = key("pis", "{\"name\":\"retry\",\"maxUses\":1}");
    String uuid = newUuid();
    String lostKey = fixture.registeredDevice(provisioningKey, uuid, "raspberrypi4-64");

    Response retry = fixture.register(provisioningKey, uuid, "raspberrypi4-64");

    assertThat(retry.status()).isEqualTo(200);
    String newKey = retry.json().path("deviceKey").asString();
    assertThat(newKey).isNotEqualTo(lostKey);
    assertThat(ownDevice(uuid, newKey).status()).isEqualTo(200);
    assertThat(ownDevice(uuid, lostKey).status()).isEqualTo(401);
    assertThat(useCount("pis", "retry")).isEqualTo(1);
  }

  @Test
  void retryAfterUseWithoutOwnKeyIsRejected() {
    String provisioningKey = key("pis", "{\"name\":\"window\"}");
    String uuid = newUuid();
    String deviceKey = fixture.registeredDevice(provisioningKey, uuid, "raspberrypi4-64");
    expect(ownDevice(uuid, deviceKey), 200);

    Response takeover = fixture.register(provisioningKey, uuid, "raspberrypi4-64");

    assertThat(takeover.status()).isEqualTo(409);
    assertThat(takeover.code()).isEqualTo("DEVICE_UUID_TAKEN");
    assertThat(ownDevice(uuid, deviceKey).status()).isEqualTo(200);
  }

  private Response registerWithOwnKey(String provisioningKey, String uuid, String deviceKey) {
    return fixture.post(
        "/device/v1/register",
        provisioningKey,
        "{\"uuid\":\""
            + uuid
            + "\",\"deviceType\":\"raspberrypi4-64\",\"deviceKey\":\""
            + deviceKey
            + "\"}");
  }

  private static String ownKey() {
    return BearerSecret.generate(BearerSecret.DEVICE_KEY, new SecureRandom()).value();
  }

  @Test
  void ownKeyRetryAfterUseSucceedsUnchanged() {
    String provisioningKey = key("pis", "{\"name\":\"own\"}");
    String uuid = newUuid();
    String deviceKey = ownKey();
    expect(registerWithOwnKey(provisioningKey, uuid, deviceKey), 201);
    expect(ownDevice(uuid, deviceKey), 200);

    Response retry = registerWithOwnKey(provisioningKey, uuid, deviceKey);

    assertThat(retry.status()).isEqualTo(200);
    assertThat(ownDevice(uuid, deviceKey).status()).isEqualTo(200);
    assertThat(useCount("pis", "own")).isEqualTo(1);
  }

  @Test
  void otherOwnKeyCannotTakeOverUsedDevice() {
    String provisioningKey = key("pis", "{\"name\":\"thief\"}");
    String uuid = newUuid();
    String deviceKey = ownKey();
    expect(registerWithOwnKey(provisioningKey, uuid, deviceKey), 201);
    expect(ownDevice(uuid, deviceKey), 200);

    Response takeover = registerWithOwnKey(provisioningKey, uuid, ownKey());

    assertThat(takeover.status()).isEqualTo(409);
    assertThat(ownDevice(uuid, deviceKey).status()).isEqualTo(200);
  }

  @Test
  void weakOwnKeyIsRefusedWithoutEchoingIt() {
    String provisioningKey = key("pis", "{\"name\":\"weak\"}");

    Response response = registerWithOwnKey(provisioningKey, newUuid(), "sld_short");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("INVALID_DEVICE_KEY");
    assertThat(response.body()).doesNotContain("sld_short");
  }

  @Test
  void lateRetryOfUsedKeyIsRejected() {
    String provisioningKey = key("pis", "{\"name\":\"late\"}");
    String uuid = newUuid();
    String deviceKey = fixture.registeredDevice(provisioningKey, uuid, "raspberrypi4-64");
    expect(ownDevice(uuid, deviceKey), 200);
    long twoHoursAgo = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
    fixture
        .jdbc()
        .sql("UPDATE device SET created_at = ? WHERE uuid = ?")
        .params(twoHoursAgo, uuid)
        .update();

    Response late = fixture.register(provisioningKey, uuid, "raspberrypi4-64");

    assertThat(late.status()).isEqualTo(409);
    assertThat(late.code()).isEqualTo("DEVICE_UUID_TAKEN");
    assertThat(ownDevice(uuid, deviceKey).status()).isEqualTo(200);
  }

  @Test
  void uuidOfAnotherFleetsDeviceIsTaken() {
    String uuid = newUuid();
    fixture.registeredDevice(key("pis", "{\"name\":\"taken-a\"}"), uuid, "raspberrypi4-64");

    Response other = fixture.register(key("pcs", "{\"name\":\"taken-b\"}"), uuid, "generic-amd64");

    assertThat(other.code()).isEqualTo("DEVICE_UUID_TAKEN");
  }

  @Test
  void uuidOfAnotherKeyIsRejected() {
    String uuid = newUuid();
    fixture.registeredDevice(key("pis", "{\"name\":\"same-a\"}"), uuid, "raspberrypi4-64");

    Response other = fixture.register(key("pis", "{\"name\":\"same-b\"}"), uuid, "raspberrypi4-64");

    assertThat(other.code()).isEqualTo("DEVICE_UUID_TAKEN");
  }

  @Test
  void concurrentRegistrationsNeverExceedMaxUses() throws Exception {
    String provisioningKey = key("pis", "{\"name\":\"race\",\"maxUses\":3}");
    int attempts = 12;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(attempts);
    List<Future<Response>> results = new ArrayList<>();
    try {
      for (int i = 0; i < attempts; i++) {
        String uuid = newUuid();
        Callable<Response> register =
            () -> {
              start.await();
              return fixture.register(provisioningKey, uuid, "raspberrypi4-64");
            };
        results.add(pool.submit(register));
      }
      start.countDown();

      int created = 0;
      int usedUp = 0;
      for (Future<Response> result : results) {
        Response response = result.get();
        if (response.status() == 201) {
          created++;
        } else if ("PROVISIONING_KEY_USED_UP".equals(response.code())) {
          usedUp++;
        }
      }
      assertThat(created).isEqualTo(3);
      assertThat(usedUp).isEqualTo(attempts - 3);
      assertThat(useCount("pis", "race")).isEqualTo(3);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentRetriesOfOneDeviceCountOneUse() throws Exception {
    String provisioningKey = key("pis", "{\"name\":\"same-device\",\"maxUses\":1}");
    String uuid = newUuid();
    int attempts = 6;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(attempts);
    List<Future<Response>> results = new ArrayList<>();
    try {
      for (int i = 0; i < attempts; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return fixture.register(provisioningKey, uuid, "raspberrypi4-64");
                }));
      }
      start.countDown();

      int created = 0;
      for (Future<Response> result : results) {
        Response response = result.get();
        assertThat(response.status()).as(response.body()).isIn(200, 201, 409);
        created += response.status() == 201 ? 1 : 0;
      }
      assertThat(created).isEqualTo(1);
      assertThat(useCount("pis", "same-device")).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void usedUpKeyIsRefusedWithItsCode() {
    String provisioningKey = key("pis", "{\"name\":\"once\",\"maxUses\":1}");
    fixture.registeredDevice(provisioningKey, newUuid(), "raspberrypi4-64");

    Response second = fixture.register(provisioningKey, newUuid(), "raspberrypi4-64");

    assertThat(second.status()).isEqualTo(403);
    assertThat(second.code()).isEqualTo("PROVISIONING_KEY_USED_UP");
  }

  @Test
  void expiredKeyIsRefusedWithItsCode() {
    long soon = System.currentTimeMillis() + Duration.ofMinutes(5).toMillis();
    String provisioningKey = key("pis", "{\"name\":\"expiring\",\"expiresAt\":" + soon + "}");
    fixture
        .jdbc()
        .sql("UPDATE provisioning_key SET expires_at = ? WHERE name = 'expiring'")
        .param(System.currentTimeMillis() - 1)
        .update();

    Response response = fixture.register(provisioningKey, newUuid(), "raspberrypi4-64");

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.code()).isEqualTo("PROVISIONING_KEY_EXPIRED");
  }

  @Test
  void revokedKeyIsRefusedWithItsCode() {
    String provisioningKey = key("pis", "{\"name\":\"revoked\"}");
    long id =
        fixture
            .jdbc()
            .sql("SELECT id FROM provisioning_key WHERE name = 'revoked'")
            .query(Long.class)
            .single();
    expect(
        fixture.delete(
            "/api/v1/orgs/acme/fleets/pis/provisioning-keys/" + id, fixture.adminToken()),
        204);

    Response response = fixture.register(provisioningKey, newUuid(), "raspberrypi4-64");

    assertThat(response.code()).isEqualTo("PROVISIONING_KEY_REVOKED");
  }

  @Test
  void unknownDeviceTypeListsKnownTypes() {
    Response response =
        fixture.register(key("pis", "{\"name\":\"toaster\"}"), newUuid(), "toaster");

    assertThat(response.code()).isEqualTo("UNKNOWN_DEVICE_TYPE");
    assertThat(response.json().path("message").asString()).contains("raspberrypi4-64");
  }

  @Test
  void incompatibleDeviceTypeIsAMismatch() {
    Response response =
        fixture.register(key("pis", "{\"name\":\"armv7\"}"), newUuid(), "raspberrypi3");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("DEVICE_TYPE_MISMATCH");
  }

  @Test
  void keyOfADeletedFleetReportsFleetNotFound() {
    fixture.createFleet("acme", "doomed", "generic-amd64", false);
    String provisioningKey = key("doomed", "{\"name\":\"orphan\"}");
    expect(fixture.delete("/api/v1/orgs/acme/fleets/doomed", fixture.adminToken()), 204);

    Response response = fixture.register(provisioningKey, newUuid(), "generic-amd64");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.code()).isEqualTo("FLEET_NOT_FOUND");
  }

  @Test
  void invalidUuidIsRefused() {
    Response response =
        fixture.register(key("pis", "{\"name\":\"bad-uuid\"}"), "NOT-HEX", "raspberrypi4-64");

    assertThat(response.code()).isEqualTo("INVALID_DEVICE_UUID");
  }

  @Test
  void registrationWithoutCredentialsIsUnauthorized() {
    assertThat(fixture.register(null, newUuid(), "raspberrypi4-64").status()).isEqualTo(401);
  }

  @Test
  void userCannotRegisterADevice() {
    Response response = fixture.register(fixture.adminToken(), newUuid(), "raspberrypi4-64");

    assertThat(response.status()).isEqualTo(403);
  }

  @Test
  void provisioningKeyIsForbiddenEverywhereElse() {
    String provisioningKey = key("pis", "{\"name\":\"nothing-else\"}");
    String uuid = newUuid();
    fixture.registeredDevice(provisioningKey, uuid, "raspberrypi4-64");

    assertThat(fixture.get("/api/v1/orgs", provisioningKey).status()).isEqualTo(403);
    assertThat(fixture.get("/api/v1/orgs/acme/fleets/pis", provisioningKey).status())
        .isEqualTo(403);
    assertThat(fixture.get("/api/v1/devices/" + uuid, provisioningKey).status()).isEqualTo(403);
    assertThat(fixture.get("/device/v1/" + uuid, provisioningKey).status()).isEqualTo(403);
    assertThat(fixture.get("/device/v1/" + uuid + "/variables", provisioningKey).status())
        .isEqualTo(403);
  }

  @Test
  void registrationAndRefusalsAreAudited() {
    String provisioningKey = key("pis", "{\"name\":\"audited\",\"maxUses\":1}");
    String uuid = newUuid();
    fixture.registeredDevice(provisioningKey, uuid, "raspberrypi4-64");
    String rejected = newUuid();
    fixture.register(provisioningKey, rejected, "raspberrypi4-64");

    assertThat(outcomeOf("device.registered", uuid)).isEqualTo("SUCCESS");
    assertThat(outcomeOf("device.registered", rejected)).isEqualTo("DENIED");
  }

  @Test
  void revokedKeyUseIsAudited() {
    String provisioningKey = key("pis", "{\"name\":\"revoked-audit\"}");
    long id =
        fixture
            .jdbc()
            .sql("SELECT id FROM provisioning_key WHERE name = 'revoked-audit'")
            .query(Long.class)
            .single();
    expect(
        fixture.delete(
            "/api/v1/orgs/acme/fleets/pis/provisioning-keys/" + id, fixture.adminToken()),
        204);

    fixture.register(provisioningKey, newUuid(), "raspberrypi4-64");

    assertThat(outcomeOf("provisioning-key.used", String.valueOf(id))).isEqualTo("DENIED");
  }

  private String outcomeOf(String action, String target) {
    return fixture
        .jdbc()
        .sql("SELECT outcome FROM audit_log WHERE action = ? AND target = ?")
        .params(action, target)
        .query(String.class)
        .single();
  }
}
