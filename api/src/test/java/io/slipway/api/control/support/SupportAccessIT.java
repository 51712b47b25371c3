package io.slipway.api.control.support;

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

/**
 * Support access: server administrators control a fleet's devices only while a fleet owner's grant
 * is open, and cannot grant it to themselves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SupportAccessIT {

  /** Returns the database the server runs on; a subclass runs the same tests on another. */
  TestDatabase database() {
    return TestDatabase.h2();
  }

  private static final String GRANTS = "/api/v1/orgs/acme/fleets/alpha/support-access";

  private ControlPlaneFixture fixture;
  private String owner;

  /** A server administrator who is not a member of the organization. */
  private String admin;

  private String uuid;

  @BeforeAll
  void startServer(@TempDir Path dataDirectory) {
    fixture = ControlPlaneFixture.start(database(), dataDirectory);
    fixture.createOrganization("acme");
    fixture.createFleet("acme", "alpha", "raspberrypi4-64", false);
    owner = fixture.user("oscar", "acme", Role.OWNER);
    admin = serverAdmin("sam", null);
    uuid = newUuid();
    fixture.registeredDevice(
        fixture.provisioningKey("acme", "alpha", "{\"name\":\"batch\"}"), uuid, "raspberrypi4-64");
  }

  @BeforeEach
  void endGrants() {
    expect(fixture.delete(GRANTS, owner), 204);
  }

  @AfterAll
  void stopServer() {
    fixture.close();
  }

  @Test
  void adminWithoutGrantIsRefused() {
    Response response = controlAsAdmin();

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.code()).isEqualTo("SUPPORT_ACCESS_REQUIRED");
    assertThat(response.json().path("message").asString())
        .contains("acme/alpha")
        .contains("fleet owner must grant support access");
  }

  @Test
  void adminWithGrantIsAllowed() {
    expect(fixture.post(GRANTS, owner, "{\"for\":\"PT4H\"}"), 201);

    assertThat(controlAsAdmin().status()).isEqualTo(200);
  }

  @Test
  void expiredGrantRefusesAgain() {
    expect(fixture.post(GRANTS, owner, "{\"for\":\"PT1M\"}"), 201);
    assertThat(controlAsAdmin().status()).isEqualTo(200);
    // Moves the grant's end into the past instead of waiting a minute for it.
    fixture
        .jdbc()
        .sql("UPDATE support_access SET expires_at = ? WHERE revoked_at IS NULL")
        .param(System.currentTimeMillis() - 1)
        .update();

    assertThat(controlAsAdmin().code()).isEqualTo("SUPPORT_ACCESS_REQUIRED");
  }

  @Test
  void revokedGrantRefusesAgain() {
    expect(fixture.post(GRANTS, owner, "{\"for\":\"PT4H\"}"), 201);
    expect(fixture.post(GRANTS, owner, "{\"for\":\"P2D\"}"), 201);

    expect(fixture.delete(GRANTS, owner), 204);

    assertThat(controlAsAdmin().code()).isEqualTo("SUPPORT_ACCESS_REQUIRED");
    Response listed = expect(fixture.get(GRANTS, owner), 200);
    assertThat(listed.json().get(0).path("active").asBoolean()).isFalse();
    assertThat(listed.json().get(0).path("revokedBy").asString()).isEqualTo("oscar");
    assertThat(listed.json().get(1).path("active").asBoolean()).isFalse();
  }

  @Test
  void listShowsOpenGrant() {
    long before = System.currentTimeMillis();
    expect(fixture.post(GRANTS, owner, "{\"for\":\"PT4H\"}"), 201);

    Response listed = expect(fixture.get(GRANTS, admin), 200);

    assertThat(listed.json().get(0).path("active").asBoolean()).isTrue();
    assertThat(listed.json().get(0).path("grantedBy").asString()).isEqualTo("oscar");
    assertThat(listed.json().get(0).path("expiresAt").asLong())
        .isGreaterThanOrEqualTo(before + 4 * 3_600_000L);
  }

  @Test
  void adminCannotGrantThemselves() {
    Response response = fixture.post(GRANTS, admin, "{\"for\":\"PT4H\"}");

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.code()).isEqualTo("FORBIDDEN");
    assertThat(controlAsAdmin().code()).isEqualTo("SUPPORT_ACCESS_REQUIRED");
  }

  @Test
  void adminWhoIsOwnerMayGrant() {
    String ownerAdmin = serverAdmin("root-owner", Role.OWNER);

    expect(fixture.post(GRANTS, ownerAdmin, "{\"for\":\"PT1H\"}"), 201);

    assertThat(controlAsAdmin().status()).isEqualTo(200);
  }

  @Test
  void adminKeepsOtherPermissions() {
    Response fleet =
        fixture.put("/api/v1/orgs/acme/fleets/alpha/control-channel", admin, "{\"enabled\":false}");
    fixture.put("/api/v1/orgs/acme/fleets/alpha/control-channel", owner, "{\"enabled\":true}");

    assertThat(fleet.status()).isEqualTo(200);
    assertThat(fixture.get("/api/v1/devices/" + uuid, admin).status()).isEqualTo(200);
  }

  @Test
  void adminSwitchesDeviceOffWithoutGrant() {
    Response device =
        fixture.put("/api/v1/devices/" + uuid + "/control-channel", admin, "{\"enabled\":false}");
    fixture.put("/api/v1/devices/" + uuid + "/control-channel", owner, "{\"enabled\":null}");

    assertThat(device.status()).isEqualTo(200);
  }

  @Test
  void adminSwitchingFleetOnNeedsGrant() {
    Response fleet =
        fixture.put("/api/v1/orgs/acme/fleets/alpha/control-channel", admin, "{\"enabled\":true}");

    assertThat(fleet.status()).isEqualTo(403);
    assertThat(fleet.code()).isEqualTo("SUPPORT_ACCESS_REQUIRED");
  }

  @Test
  void durationOutOfRangeIsRejected() {
    for (String duration : List.of("PT30S", "P31D", "soon")) {
      Response response = fixture.post(GRANTS, owner, "{\"for\":\"" + duration + "\"}");

      assertThat(response.status()).as(duration).isEqualTo(400);
      assertThat(response.code()).as(duration).isEqualTo("INVALID_SUPPORT_ACCESS");
    }
    assertThat(fixture.post(GRANTS, owner, "{}").code()).isEqualTo("INVALID_SUPPORT_ACCESS");
  }

  @Test
  void grantsAndEndsAreAudited() {
    expect(fixture.post(GRANTS, owner, "{\"for\":\"PT4H\"}"), 201);
    expect(fixture.delete(GRANTS, owner), 204);

    List<String> actions =
        fixture
            .jdbc()
            .sql(
                "SELECT action FROM audit_log WHERE action LIKE 'support-access.%'"
                    + " AND actor = 'oscar' ORDER BY id DESC LIMIT 2")
            .query(String.class)
            .list();
    assertThat(actions).containsExactly("support-access.revoked", "support-access.granted");
  }

  private Response controlAsAdmin() {
    return fixture.put("/api/v1/devices/" + uuid + "/control-channel", admin, "{\"enabled\":null}");
  }

  /** Inserts a server administrator with {@code role} in acme (none when null); returns a token. */
  private String serverAdmin(String username, Role role) {
    String token = fixture.user(username, "acme", role);
    fixture
        .jdbc()
        .sql("UPDATE app_user SET server_admin = TRUE WHERE username = ?")
        .param(username)
        .update();
    return token;
  }
}
