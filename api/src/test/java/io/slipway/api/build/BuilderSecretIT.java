package io.slipway.api.build;

import static io.slipway.api.server.HttpTestClient.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.registry.token.TestTokens;
import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.api.server.HttpTestClient;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.registry.auth.Scope;
import io.slipway.registry.auth.TokenVerifier;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** What a builder secret gets from the real {@code /auth/token} endpoint, and where it fails. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuilderSecretIT {

  @TempDir static Path dataDirectory;

  private ReleaseWorld world;
  private HttpTestClient http;
  private TokenVerifier verifier;
  private ServerRegistryAccess access;
  private TestFleet fleet;
  private String sibling;
  private TestFleet foreign;

  @BeforeAll
  void startServer() {
    world = ReleaseWorld.start(TestDatabase.h2(), dataDirectory);
    http = world.http();
    verifier = TestTokens.verifierFor(dataDirectory.resolve("keys/registry-token-signing.pem"));
    access = world.context().getBean(ServerRegistryAccess.class);
    fleet = world.newFleet();
    sibling = "sibling";
    world.fleet(fleet.organizationId(), sibling);
    foreign = world.newFleet();
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @Test
  void registryIsTheServersOwnLoopbackPort() {
    assertThat(access.registry())
        .isEqualTo(
            "127.0.0.1:" + world.context().getEnvironment().getProperty("local.server.port"));
  }

  @Test
  void credentialsHideTheSecret() {
    RegistryCredentials credentials = credentials(Duration.ofMinutes(5));

    assertThat(credentials.password()).startsWith("slb_");
    assertThat(credentials.toString()).doesNotContain(credentials.password());
  }

  @Test
  void pushAndPullOnItsOwnFleet() {
    List<Scope> granted = grants(credentials(Duration.ofMinutes(5)), own("web", "pull,push"));

    assertThat(granted).containsExactly(Scope.repository(repository(fleet, "web"), "pull", "push"));
  }

  @Test
  void pullOnlyOnOtherFleetsOfItsOrganization() {
    String base = fleet.org() + "/" + sibling + "/base";

    List<Scope> granted =
        grants(credentials(Duration.ofMinutes(5)), "repository:" + base + ":pull,push");

    assertThat(granted).containsExactly(Scope.repository(base, "pull"));
  }

  @Test
  void nothingInOtherOrganizations() {
    List<Scope> granted =
        grants(
            credentials(Duration.ofMinutes(5)),
            "repository:" + repository(foreign, "web") + ":pull");

    assertThat(granted).isEmpty();
  }

  @Test
  void neitherDeleteNorCatalog() {
    List<Scope> granted =
        grants(credentials(Duration.ofMinutes(5)), own("web", "delete"), "registry:catalog:*");

    assertThat(granted).isEmpty();
  }

  @Test
  void anyUserNameIsAccepted() {
    RegistryCredentials credentials = credentials(Duration.ofMinutes(5));

    HttpResponse<String> response =
        token("engine-user", credentials.password(), own("web", "pull"));

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void expiredSecretIsRejected() throws InterruptedException {
    RegistryCredentials credentials = credentials(Duration.ofMillis(300));
    Thread.sleep(600);

    HttpResponse<String> response =
        token(credentials.username(), credentials.password(), own("web", "pull"));

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void unknownSecretIsRejected() {
    HttpResponse<String> response =
        token("slipway-builder", "slb_" + "0".repeat(64), own("web", "pull"));

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void apiRejectsTheSecret() {
    RegistryCredentials credentials = credentials(Duration.ofMinutes(5));

    HttpResponse<String> response =
        http.get(
            "/api/v1/orgs/" + fleet.org() + "/fleets",
            "Authorization",
            HttpTestClient.bearer(credentials.password()));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("FORBIDDEN");
  }

  private RegistryCredentials credentials(Duration lifetime) {
    return access.credentials(fleet.org() + "/" + fleet.slug(), lifetime);
  }

  private String own(String service, String actions) {
    return "repository:" + repository(fleet, service) + ":" + actions;
  }

  private static String repository(TestFleet fleet, String service) {
    return fleet.org() + "/" + fleet.slug() + "/" + service;
  }

  private List<Scope> grants(RegistryCredentials credentials, String... scopes) {
    HttpResponse<String> response = token(credentials.username(), credentials.password(), scopes);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return verifier.verify(TestTokens.tokenOf(response)).grants();
  }

  private HttpResponse<String> token(String user, String secret, String... scopes) {
    StringBuilder query = new StringBuilder("/auth/token?service=slipway-registry");
    for (String scope : scopes) {
      query.append("&scope=").append(HttpTestClient.encode(scope));
    }
    return http.get(query.toString(), "Authorization", basic(user, secret));
  }
}
