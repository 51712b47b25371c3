package io.slipway.api.registry;

import static io.slipway.api.fleet.ControlPlaneFixture.newUuid;
import static io.slipway.api.server.HttpTestClient.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.registry.token.TestTokens;
import io.slipway.api.server.HttpTestClient;
import io.slipway.registry.auth.Scope;
import io.slipway.registry.auth.TokenVerifier;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registry scopes granted through real {@code /auth/token} requests, for each kind of caller. */
class RegistryGrantIT {

  private static final String OWN = "repository:acme/alpha/app:pull,push";
  private static final String SIBLING = "repository:acme/other/app:pull";
  private static final String FOREIGN = "repository:globex/beta/app:pull";

  @TempDir static Path dataDirectory;

  private static ControlPlaneFixture fixture;
  private static HttpTestClient http;
  private static TokenVerifier verifier;
  private static String uuid;
  private static String deviceKey;

  @BeforeAll
  static void startServer() {
    fixture = ControlPlaneFixture.start(TestDatabase.h2(), dataDirectory);
    http = new HttpTestClient(fixture.port());
    verifier = TestTokens.verifierFor(dataDirectory.resolve("keys/registry-token-signing.pem"));
    fixture.createOrganization("acme");
    fixture.createOrganization("globex");
    fixture.createFleet("acme", "alpha", "raspberrypi4-64", false);
    fixture.createFleet("acme", "other", "raspberrypi4-64", false);
    fixture.createFleet("globex", "beta", "raspberrypi4-64", false);
    uuid = newUuid();
    deviceKey =
        fixture.registeredDevice(
            fixture.provisioningKey("acme", "alpha", "{\"name\":\"k\"}"), uuid, "raspberrypi4-64");
  }

  @AfterAll
  static void stopServer() {
    fixture.close();
  }

  private static HttpResponse<String> token(String user, String secret, String... scopes) {
    StringBuilder query = new StringBuilder("/auth/token?service=slipway-registry");
    for (String scope : scopes) {
      query.append("&scope=").append(HttpTestClient.encode(scope));
    }
    return http.get(query.toString(), "Authorization", basic(user, secret));
  }

  private static List<Scope> grants(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return verifier.verify(TestTokens.tokenOf(response)).grants();
  }

  @Test
  void deviceGetsPullOnItsOwnFleetOnly() {
    List<Scope> granted = grants(token(uuid, deviceKey, OWN, SIBLING, FOREIGN));

    assertThat(granted).containsExactly(Scope.repository("acme/alpha/app", "pull"));
  }

  @Test
  void deviceGetsNoCatalog() {
    assertThat(grants(token(uuid, deviceKey, "registry:catalog:*"))).isEmpty();
  }

  @Test
  void unapprovedDeviceGetsNoToken() {
    fixture.createFleet("acme", "gated", "raspberrypi4-64", true);
    String gated = newUuid();
    String key =
        fixture
            .register(
                fixture.provisioningKey("acme", "gated", "{\"name\":\"g\"}"),
                gated,
                "raspberrypi4-64")
            .json()
            .path("deviceKey")
            .asString();

    HttpResponse<String> response = token(gated, key, "repository:acme/gated/app:pull");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("DEVICE_NOT_APPROVED");
  }

  @Test
  void developerGetsPullAndPushInTheirOrganization() {
    String developer = fixture.user("dev", "acme", Role.DEVELOPER);

    List<Scope> granted = grants(token("dev", developer, OWN, FOREIGN));

    assertThat(granted).containsExactly(Scope.repository("acme/alpha/app", "pull", "push"));
  }

  @Test
  void viewerGetsPullOnly() {
    String viewer = fixture.user("viewer", "acme", Role.VIEWER);

    assertThat(grants(token("viewer", viewer, OWN)))
        .containsExactly(Scope.repository("acme/alpha/app", "pull"));
  }

  @Test
  void userWithoutMembershipGetsNothing() {
    String outsider = fixture.user("outsider", "acme", null);

    assertThat(grants(token("outsider", outsider, OWN, FOREIGN))).isEmpty();
  }

  @Test
  void serverAdminGetsEverythingRequested() {
    List<Scope> granted = grants(token("admin", fixture.adminToken(), OWN, "registry:catalog:*"));

    assertThat(granted).hasSize(2);
  }

  @Test
  void deviceKeyWithAnotherUuidIsRefused() {
    assertThat(token(newUuid(), deviceKey, OWN).statusCode()).isEqualTo(401);
  }
}
