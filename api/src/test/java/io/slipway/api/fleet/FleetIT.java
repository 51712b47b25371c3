package io.slipway.api.fleet;

import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static io.slipway.api.fleet.ControlPlaneFixture.newUuid;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetIT {

  /** Returns the database the server runs on; a subclass runs the same tests on another. */
  TestDatabase database() {
    return TestDatabase.h2();
  }

  private static final String FLEETS = "/api/v1/orgs/acme/fleets";

  private ControlPlaneFixture fixture;
  private String admin;

  @BeforeAll
  void startServer(@TempDir Path dataDirectory) {
    fixture = ControlPlaneFixture.start(database(), dataDirectory);
    admin = fixture.adminToken();
    fixture.createOrganization("acme");
    fixture.createOrganization("globex");
  }

  @AfterAll
  void stopServer() {
    fixture.close();
  }

  @Test
  void deviceTypesListTheirPlatforms() {
    Response types = expect(fixture.get("/api/v1/device-types", null), 200);

    assertThat(types.json().findValuesAsString("slug"))
        .contains(
            "raspberrypi4-64",
            "raspberrypi3",
            "raspberrypi5",
            "generic-amd64",
            "generic-aarch64",
            "beaglebone-black");
    assertThat(types.json().findValuesAsString("platform"))
        .contains("linux/arm64", "linux/arm/v7", "linux/amd64");
  }

  @Test
  void createdFleetCanBeReadAndListed() {
    Response created =
        fixture.post(
            FLEETS,
            admin,
            "{\"slug\":\"signs\",\"name\":\"Signs\",\"deviceType\":\"raspberrypi3\"}");

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().path("architecture").asString()).isEqualTo("armv7hf");
    assertThat(expect(fixture.get(FLEETS + "/signs", admin), 200).json().path("name").asString())
        .isEqualTo("Signs");
    assertThat(expect(fixture.get(FLEETS, admin), 200).json().findValuesAsString("slug"))
        .contains("signs");
  }

  @Test
  void unknownDeviceTypeListsTheValidOnes() {
    Response response =
        fixture.post(FLEETS, admin, "{\"slug\":\"toasters\",\"deviceType\":\"toaster\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("UNKNOWN_DEVICE_TYPE");
    assertThat(response.json().path("message").asString()).contains("generic-amd64");
  }

  @Test
  void takenSlugIsAConflict() {
    fixture.createFleet("acme", "twice", "generic-amd64", false);

    Response response =
        fixture.post(FLEETS, admin, "{\"slug\":\"twice\",\"deviceType\":\"generic-amd64\"}");

    assertThat(response.code()).isEqualTo("FLEET_SLUG_TAKEN");
  }

  @Test
  void invalidSlugIsRefused() {
    Response response =
        fixture.post(FLEETS, admin, "{\"slug\":\"Not A Slug\",\"deviceType\":\"generic-amd64\"}");

    assertThat(response.code()).isEqualTo("INVALID_SLUG");
  }

  @Test
  void patchChangesNameAndApproval() {
    fixture.createFleet("acme", "patched", "generic-amd64", false);

    Response patched =
        expect(
            fixture.patch(
                FLEETS + "/patched", admin, "{\"name\":\"Patched\",\"requiresApproval\":true}"),
            200);

    assertThat(patched.json().path("name").asString()).isEqualTo("Patched");
    assertThat(patched.json().path("requiresApproval").asBoolean()).isTrue();
    assertThat(patched.json().path("deviceType").asString()).isEqualTo("generic-amd64");
  }

  @Test
  void deployBranchIsMainUntilChanged() {
    fixture.createFleet("acme", "branched", "generic-amd64", false);
    assertThat(
            expect(fixture.get(FLEETS + "/branched", admin), 200)
                .json()
                .path("deployBranch")
                .asString())
        .isEqualTo("main");

    Response patched =
        expect(
            fixture.patch(FLEETS + "/branched", admin, "{\"deployBranch\":\"release/2.x\"}"), 200);

    assertThat(patched.json().path("deployBranch").asString()).isEqualTo("release/2.x");
    assertThat(
            expect(fixture.get(FLEETS + "/branched", admin), 200)
                .json()
                .path("deployBranch")
                .asString())
        .isEqualTo("release/2.x");
  }

  @Test
  void invalidDeployBranchIsRejectedByName() {
    fixture.createFleet("acme", "unbranched", "generic-amd64", false);

    Response response =
        fixture.patch(FLEETS + "/unbranched", admin, "{\"deployBranch\":\"bad..name\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("INVALID_REQUEST_BODY");
    assertThat(response.body()).contains("'bad..name' is not a valid git branch name");
    assertThat(
            expect(fixture.get(FLEETS + "/unbranched", admin), 200)
                .json()
                .path("deployBranch")
                .asString())
        .isEqualTo("main");
  }

  @Test
  void incompatibleTypeChangeIsRejected() {
    fixture.createFleet("acme", "pis", "raspberrypi3", false);
    fixture.registeredDevice(
        fixture.provisioningKey("acme", "pis", "{\"name\":\"k\"}"), newUuid(), "raspberrypi3");

    Response response =
        fixture.patch(FLEETS + "/pis", admin, "{\"deviceType\":\"raspberrypi4-64\"}");

    assertThat(response.code()).isEqualTo("DEVICE_TYPE_MISMATCH");
  }

  @Test
  void deleteRemovesTheFleetAndItsDevices() {
    fixture.createFleet("acme", "gone", "generic-amd64", false);
    String uuid = newUuid();
    String key =
        fixture.registeredDevice(
            fixture.provisioningKey("acme", "gone", "{\"name\":\"k\"}"), uuid, "generic-amd64");

    assertThat(fixture.delete(FLEETS + "/gone", admin).status()).isEqualTo(204);

    assertThat(fixture.get(FLEETS + "/gone", admin).code()).isEqualTo("FLEET_NOT_FOUND");
    assertThat(fixture.get("/device/v1/" + uuid, key).status()).isEqualTo(401);
  }

  @Test
  void deleteWaitsForARunningBuild() {
    fixture.createFleet("acme", "building", "generic-amd64", false);
    long release = insertRelease("building", "BUILD");

    Response conflict = fixture.delete(FLEETS + "/building", admin);

    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.code()).isEqualTo("FLEET_BUILD_RUNNING");
    assertThat(conflict.body()).contains("release " + release + " is being built");
    assertThat(fixture.get(FLEETS + "/building", admin).status()).isEqualTo(200);

    fixture
        .jdbc()
        .sql("UPDATE fleet_release SET status = 'FAILED' WHERE id = ?")
        .param(release)
        .update();

    assertThat(fixture.delete(FLEETS + "/building", admin).status()).isEqualTo(204);
  }

  @Test
  void deleteIgnoresARunningReleaseNotBuiltHere() {
    fixture.createFleet("acme", "pushed", "generic-amd64", false);
    insertRelease("pushed", "API");

    assertThat(fixture.delete(FLEETS + "/pushed", admin).status()).isEqualTo(204);
  }

  @Test
  void viewerReadsButCannotCreateOrChange() {
    fixture.createFleet("acme", "viewed", "generic-amd64", false);
    String viewer = fixture.user("fleet-viewer", "acme", Role.VIEWER);

    assertThat(fixture.get(FLEETS + "/viewed", viewer).status()).isEqualTo(200);
    assertThat(
            fixture
                .post(FLEETS, viewer, "{\"slug\":\"mine\",\"deviceType\":\"generic-amd64\"}")
                .status())
        .isEqualTo(403);
    assertThat(fixture.patch(FLEETS + "/viewed", viewer, "{\"name\":\"x\"}").status())
        .isEqualTo(403);
    assertThat(fixture.delete(FLEETS + "/viewed", viewer).status()).isEqualTo(403);
    assertThat(fixture.get(FLEETS + "/viewed/provisioning-keys", viewer).status()).isEqualTo(403);
  }

  @Test
  void nonMemberSeesNotFound() {
    fixture.createFleet("globex", "secret", "generic-amd64", false);
    String outsider = fixture.user("fleet-outsider", "acme", Role.OWNER);

    assertThat(fixture.get("/api/v1/orgs/globex/fleets/secret", outsider).code())
        .isEqualTo("FLEET_NOT_FOUND");
    assertThat(fixture.get("/api/v1/orgs/globex/fleets", outsider).code())
        .isEqualTo("ORGANIZATION_NOT_FOUND");
  }

  @Test
  void keySecretIsStoredOnlyHashed() {
    fixture.createFleet("acme", "keys", "generic-amd64", false);

    String secret = fixture.provisioningKey("acme", "keys", "{\"name\":\"once\",\"maxUses\":5}");

    assertThat(secret).startsWith("slp_");
    assertThat(fixture.get(FLEETS + "/keys/provisioning-keys", admin).body())
        .doesNotContain(secret);
    long stored =
        fixture
            .jdbc()
            .sql("SELECT COUNT(*) FROM provisioning_key WHERE key_hash = ?")
            .param(secret)
            .query(Long.class)
            .single();
    assertThat(stored).isZero();
  }

  @Test
  void provisioningKeyLimitsAreChecked() {
    fixture.createFleet("acme", "limits", "generic-amd64", false);
    String keys = FLEETS + "/limits/provisioning-keys";

    assertThat(fixture.post(keys, admin, "{\"name\":\"past\",\"expiresAt\":1}").code())
        .isEqualTo("INVALID_REQUEST_BODY");
    assertThat(fixture.post(keys, admin, "{\"name\":\"zero\",\"maxUses\":0}").code())
        .isEqualTo("INVALID_REQUEST_BODY");
    assertThat(fixture.post(keys, admin, "{}").code()).isEqualTo("INVALID_REQUEST_BODY");
    fixture.provisioningKey("acme", "limits", "{\"name\":\"dup\"}");
    assertThat(fixture.post(keys, admin, "{\"name\":\"dup\"}").code())
        .isEqualTo("PROVISIONING_KEY_NAME_TAKEN");
  }

  @Test
  void revokingAnUnknownKeyIsNotFound() {
    fixture.createFleet("acme", "revoke", "generic-amd64", false);

    Response response = fixture.delete(FLEETS + "/revoke/provisioning-keys/99999", admin);

    assertThat(response.code()).isEqualTo("PROVISIONING_KEY_NOT_FOUND");
  }

  /** Inserts a RUNNING release of acme's fleet {@code slug}, as a build in progress leaves it. */
  private long insertRelease(String slug, String source) {
    long fleet =
        fixture
            .jdbc()
            .sql(
                "SELECT f.id FROM fleet f JOIN organization o ON o.id = f.organization_id"
                    + " WHERE o.slug = 'acme' AND f.slug = ?")
            .param(slug)
            .query(Long.class)
            .single();
    fixture
        .jdbc()
        .sql(
            "INSERT INTO fleet_release (fleet_id, status, source, version, created_by, created_at)"
                + " VALUES (?, 'RUNNING', ?, '1.0.0', 'test', 0)")
        .params(fleet, source)
        .update();
    return fixture
        .jdbc()
        .sql("SELECT id FROM fleet_release WHERE fleet_id = ?")
        .param(fleet)
        .query(Long.class)
        .single();
  }
}
