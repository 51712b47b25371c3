package io.slipway.api.organization;

import static io.slipway.api.server.HttpTestClient.basic;
import static io.slipway.api.server.HttpTestClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.account.UserRepository;
import io.slipway.api.apitoken.ApiTokenRepository;
import io.slipway.api.identity.BearerSecret;
import io.slipway.api.server.HttpTestClient;
import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Organizations, members, roles and the audit log through a running server, with users inserted
 * straight into the database and authenticated by API tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrganizationIT {

  @TempDir static Path dataDirectory;

  private ConfigurableApplicationContext server;
  private HttpTestClient http;
  private String adminToken;
  private String alice;
  private String bob;
  private String carol;

  @BeforeAll
  void start() throws Exception {
    server = TestServers.start(TestDatabase.h2(), dataDirectory);
    http = new HttpTestClient(TestServers.port(server));
    adminToken = Files.readString(dataDirectory.resolve("bootstrap-token")).strip();
    alice = userWithToken("alice");
    bob = userWithToken("bob");
    carol = userWithToken("carol");

    HttpResponse<String> created =
        http.postJson("/api/v1/orgs", "{\"slug\":\"acme\",\"name\":\"Acme\"}", auth(alice));
    assertThat(created.statusCode()).isEqualTo(201);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private String userWithToken(String username) {
    long now = System.currentTimeMillis();
    long id = server.getBean(UserRepository.class).insert(username, null, null, false, now);
    BearerSecret token = BearerSecret.generate(BearerSecret.API_TOKEN, new SecureRandom());
    server
        .getBean(ApiTokenRepository.class)
        .insert("test", id, username, token.sha256Hex(), now, null);
    return token.value();
  }

  private static String[] auth(String token) {
    return new String[] {"Authorization", bearer(token)};
  }

  @Test
  void creatorIsOwner() {
    HttpResponse<String> response = http.get("/api/v1/orgs/acme", auth(alice));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"role\":\"OWNER\"");
  }

  @Test
  void invalidSlugIsRefusedNamingIt() {
    HttpResponse<String> response =
        http.postJson("/api/v1/orgs", "{\"slug\":\"Not A Slug\"}", auth(alice));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_SLUG").contains("'Not A Slug'");
  }

  @Test
  void takenSlugIsConflict() {
    HttpResponse<String> response = http.postJson("/api/v1/orgs", "{\"slug\":\"acme\"}", auth(bob));

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.body()).contains("ORGANIZATION_SLUG_TAKEN");
  }

  @Test
  void nonMemberGetsNotFound() {
    HttpResponse<String> existing = http.get("/api/v1/orgs/acme", auth(carol));
    HttpResponse<String> missing = http.get("/api/v1/orgs/nothing-here", auth(carol));

    assertThat(existing.statusCode()).isEqualTo(404);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(existing.body()).contains("ORGANIZATION_NOT_FOUND");
  }

  @Test
  void requestWithoutCredentialsIsUnauthorized() {
    assertThat(http.get("/api/v1/orgs").statusCode()).isEqualTo(401);
  }

  @Test
  void viewerReadsMembersButCannotChangeThem() {
    http.putJson("/api/v1/orgs/acme/members/bob", "{\"role\":\"viewer\"}", auth(alice));

    HttpResponse<String> members = http.get("/api/v1/orgs/acme/members", auth(bob));
    HttpResponse<String> change =
        http.putJson("/api/v1/orgs/acme/members/carol", "{\"role\":\"owner\"}", auth(bob));

    assertThat(members.body()).contains("\"username\":\"bob\"").contains("\"role\":\"VIEWER\"");
    assertThat(change.statusCode()).isEqualTo(403);
    assertThat(change.body())
        .contains("FORBIDDEN")
        .contains("viewer")
        .contains("ORGANIZATION_MANAGE");
  }

  @Test
  void unknownRoleIsRefusedListingValidOnes() {
    HttpResponse<String> response =
        http.putJson("/api/v1/orgs/acme/members/bob", "{\"role\":\"boss\"}", auth(alice));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .contains("INVALID_ROLE")
        .contains("'boss'")
        .contains("release_manager");
  }

  @Test
  void lastOwnerCannotLeave() {
    HttpResponse<String> response = http.delete("/api/v1/orgs/acme/members/alice", auth(alice));

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.body()).contains("LAST_OWNER");
  }

  @Test
  void ownerReadsAuditLogWithSourceAddress() {
    HttpResponse<String> response = http.get("/api/v1/orgs/acme/audit-log", auth(alice));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("\"action\":\"organization.created\"")
        .contains("\"actor\":\"alice\"")
        .contains("\"sourceAddress\":\"127.0.0.1\"");
  }

  @Test
  void viewerCannotReadAuditLog() {
    http.putJson("/api/v1/orgs/acme/members/bob", "{\"role\":\"viewer\"}", auth(alice));

    assertThat(http.get("/api/v1/orgs/acme/audit-log", auth(bob)).statusCode()).isEqualTo(403);
  }

  @Test
  void serverAuditLogIsAdminOnly() {
    assertThat(http.get("/api/v1/audit-log", auth(adminToken)).statusCode()).isEqualTo(200);
    assertThat(http.get("/api/v1/audit-log", auth(alice)).statusCode()).isEqualTo(403);
  }

  @Test
  void basicUserMustOwnToken() {
    HttpResponse<String> own = http.get("/api/v1/orgs", "Authorization", basic("alice", alice));
    HttpResponse<String> other = http.get("/api/v1/orgs", "Authorization", basic("bob", alice));

    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(other.statusCode()).isEqualTo(401);
  }

  @Test
  void unknownSecretKindIsUnauthorizedNamingTheKinds() {
    HttpResponse<String> response = http.get("/api/v1/orgs", auth("ghp_notours"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("slw_").doesNotContain("ghp_notours");
  }
}
