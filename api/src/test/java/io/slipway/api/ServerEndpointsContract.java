package io.slipway.api;

import static io.slipway.api.registry.token.TestTokens.tokenOf;
import static io.slipway.api.server.HttpTestClient.basic;
import static io.slipway.api.server.HttpTestClient.encode;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.config.DataDirectory;
import io.slipway.api.registry.token.TestTokens;
import io.slipway.api.server.HttpTestClient;
import io.slipway.registry.auth.AccessToken;
import io.slipway.registry.auth.Scope;
import io.slipway.registry.auth.TokenVerifier;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.filter.FormContentFilter;

/**
 * Behaviour of a freshly started server over real HTTP: the registry mount, the token endpoint and
 * the bootstrap admin token. Subclasses pick the database.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"slipway.control.embedded.tls-port=0", "slipway.control.ssh.port=0"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
abstract class ServerEndpointsContract {

  @LocalServerPort int port;
  @Autowired DataDirectory dataDirectory;
  @Autowired JdbcClient jdbc;
  @Autowired ApplicationContext context;

  HttpTestClient http;
  String bootstrapToken;

  @BeforeEach
  void connect() throws Exception {
    http = new HttpTestClient(port);
    bootstrapToken = Files.readString(dataDirectory.bootstrapToken()).strip();
  }

  private TokenVerifier independentVerifier() {
    return TestTokens.verifierFor(dataDirectory.tokenSigningKey());
  }

  private HttpResponse<String> requestToken(String... scopes) {
    StringBuilder query = new StringBuilder("/auth/token?service=slipway-registry");
    for (String scope : scopes) {
      query.append("&scope=").append(encode(scope));
    }
    return http.get(query.toString(), "Authorization", basic("admin", bootstrapToken));
  }

  @Test
  void registryChallengesWithBearerRealm() {
    HttpResponse<String> response = http.get("/v2/");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(
            challenge ->
                assertThat(challenge)
                    .startsWith("Bearer realm=\"http://127.0.0.1:" + port + "/auth/token\"")
                    .contains("service=\"slipway-registry\""));
  }

  @Test
  void registryServesV2WithoutTrailingSlash() {
    HttpResponse<String> response = http.get("/v2");

    assertThat(response.headers().firstValue("Docker-Distribution-API-Version"))
        .hasValue("registry/2.0");
  }

  @Test
  void issuedTokenOpensRegistry() {
    String token = tokenOf(requestToken());

    HttpResponse<String> response = http.get("/v2/", "Authorization", "Bearer " + token);

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void bootstrapTokenGetsRequestedGrants() {
    HttpResponse<String> response =
        requestToken("repository:acme/fleet/app:pull,push", "registry:catalog:*");

    assertThat(response.statusCode()).isEqualTo(200);
    AccessToken verified = independentVerifier().verify(tokenOf(response));
    assertThat(verified.subject()).isEqualTo("admin");
    assertThat(verified.grants())
        .containsExactlyInAnyOrder(
            Scope.repository("acme/fleet/app", "pull", "push"), Scope.parse("registry:catalog:*"));
  }

  @Test
  void tokenResponseHasBothNamesAndExpiry() {
    HttpResponse<String> response = requestToken("repository:acme/app:pull");

    assertThat(response.body())
        .contains("\"access_token\":\"" + tokenOf(response) + "\"")
        .contains("\"expires_in\":300")
        .containsPattern("\"issued_at\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\"");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
  }

  @Test
  void oauthPasswordGrantIssuesToken() {
    String form =
        "grant_type=password&service=slipway-registry&client_id=docker&username=admin&password="
            + encode(bootstrapToken)
            + "&scope="
            + encode("repository:acme/fleet/app:pull repository:acme/fleet/lib:push");

    HttpResponse<String> response = http.postForm("/auth/token", form);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(independentVerifier().verify(tokenOf(response)).grants())
        .containsExactlyInAnyOrder(
            Scope.repository("acme/fleet/app", "pull"), Scope.repository("acme/fleet/lib", "push"));
  }

  @Test
  void refreshTokenGrantIsRejected() {
    HttpResponse<String> response =
        http.postForm("/auth/token", "grant_type=refresh_token&refresh_token=x");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("UNSUPPORTED_GRANT_TYPE").contains("'refresh_token'");
  }

  @Test
  void unknownTokenIsUnauthorizedNamingItsKind() {
    HttpResponse<String> response =
        http.get("/auth/token", "Authorization", basic("admin", "slw_wrong"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body())
        .contains("\"code\":\"UNAUTHORIZED\"")
        .contains("API token is unknown");
    assertThat(response.body()).doesNotContain("slw_wrong");
  }

  @Test
  void bootstrapTokenOfOtherUserIsUnauthorized() {
    HttpResponse<String> response =
        http.get("/auth/token", "Authorization", basic("mallory", bootstrapToken));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("does not match the token's owner");
  }

  @Test
  void missingCredentialsAreUnauthorized() {
    HttpResponse<String> response = http.get("/auth/token?scope=repository:acme/app:pull");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue("Basic realm=\"slipway\"");
    assertThat(response.body()).contains("\"code\":\"UNAUTHORIZED\"");
  }

  @Test
  void invalidScopeIsBadRequestNamingIt() {
    HttpResponse<String> response = requestToken("repository-acme");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_SCOPE").contains("'repository-acme'");
  }

  @Test
  void invalidRepositoryScopeIsBadRequest() {
    HttpResponse<String> response = requestToken("repository:../etc:pull");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_SCOPE").contains("'repository:../etc:pull'");
  }

  @Test
  void unknownScopeTypeIsBadRequest() {
    HttpResponse<String> response = requestToken("file:etc/passwd:pull");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_SCOPE").contains("'file'");
  }

  @Test
  void missingGrantTypeIsBadRequestNamingIt() {
    HttpResponse<String> response = http.postForm("/auth/token", "username=admin");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"code\":\"MISSING_PARAMETER\"").contains("'grant_type'");
  }

  @Test
  void unknownServiceIsBadRequestNamingIt() {
    HttpResponse<String> response =
        http.get("/auth/token?service=other", "Authorization", basic("admin", bootstrapToken));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("UNKNOWN_SERVICE").contains("'other'");
  }

  @Test
  void unsupportedContentTypeIsJsonError() {
    HttpResponse<String> response =
        http.post("/auth/token", "application/json", "{\"grant_type\":\"password\"}");

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(response.body()).contains("\"code\":\"UNSUPPORTED_MEDIA_TYPE\"");
  }

  @Test
  void unknownPathIsJsonNotFound() {
    HttpResponse<String> response = http.get("/no-such-endpoint");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("\"code\":\"NOT_FOUND\"").contains("/no-such-endpoint");
  }

  @Test
  void bootstrapTokenFileIsOwnerOnly() throws Exception {
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDirectory.bootstrapToken())))
        .isEqualTo("rw-------");
    assertThat(bootstrapToken).startsWith("slw_");
  }

  @Test
  void signingKeyFileIsOwnerOnly() throws Exception {
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDirectory.tokenSigningKey())))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDirectory.tokenSigningKey().getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void databaseStoresOnlyTokenHash() throws Exception {
    List<Map<String, Object>> rows =
        jdbc.sql("SELECT * FROM api_token WHERE subject = 'admin'").query().listOfRows();

    byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(bootstrapToken.getBytes());
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0)).containsEntry("token_hash", HexFormat.of().formatHex(sha256));
    assertThat(rows.get(0).values())
        .allSatisfy(value -> assertThat(String.valueOf(value)).doesNotContain(bootstrapToken));
  }

  @Test
  void tokenUseIsRecorded() {
    long before = Instant.now().toEpochMilli();

    requestToken();

    Long lastUsed =
        jdbc.sql("SELECT last_used_at FROM api_token WHERE subject = 'admin'")
            .query(Long.class)
            .single();
    assertThat(lastUsed).isGreaterThanOrEqualTo(before);
  }

  @Test
  void serverPortFileHoldsListeningPort() throws Exception {
    assertThat(Files.readString(dataDirectory.serverPort())).isEqualTo(port + "\n");
  }

  @Test
  void formContentFilterIsOff() {
    // That filter would read form-encoded PUT bodies before the registry servlet reads them.
    assertThat(context.getBeansOfType(FormContentFilter.class)).isEmpty();
  }

  @Test
  void garbageCollectionWithoutCredentialsIsUnauthorized() {
    HttpResponse<String> response =
        http.post("/api/v1/registry/garbage-collection?dryRun=true", "text/plain", "");

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void garbageCollectionDryRunReportsAsAdmin() {
    HttpResponse<String> response =
        http.post(
            "/api/v1/registry/garbage-collection?dryRun=true&gracePeriod=PT0S",
            "text/plain",
            "",
            "Authorization",
            basic("admin", bootstrapToken));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"dryRun\":true").contains("nothing was deleted");
  }

  @Test
  void garbageCollectionRejectsBadGracePeriod() {
    HttpResponse<String> response =
        http.post(
            "/api/v1/registry/garbage-collection?gracePeriod=soon",
            "text/plain",
            "",
            "Authorization",
            basic("admin", bootstrapToken));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_GRACE_PERIOD").contains("soon");
  }

  @Test
  void garbageCollectionRejectsInvalidDryRun() {
    HttpResponse<String> response = collectGarbageAsAdmin("dryRun=maybe");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .contains("\"code\":\"INVALID_PARAMETER\"")
        .contains("'dryRun'")
        .contains("'maybe'")
        .contains("dryRun=true");
  }

  @Test
  void garbageCollectionRejectsInvalidDeleteUntagged() {
    HttpResponse<String> response = collectGarbageAsAdmin("deleteUntagged=x");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_PARAMETER").contains("'deleteUntagged'");
  }

  @Test
  void garbageCollectionChecksCredentialsBeforeParameters() {
    HttpResponse<String> response =
        http.post("/api/v1/registry/garbage-collection?dryRun=maybe", "text/plain", "");

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void badGarbageCollectionParameterLogsNoError(CapturedOutput output) {
    int before = output.getOut().length();

    collectGarbageAsAdmin("dryRun=maybe&deleteUntagged=x");

    assertThat(output.getOut().substring(before)).doesNotContain("ERROR");
  }

  private HttpResponse<String> collectGarbageAsAdmin(String query) {
    return http.post(
        "/api/v1/registry/garbage-collection?" + query,
        "text/plain",
        "",
        "Authorization",
        basic("admin", bootstrapToken));
  }

  @Test
  void unknownScopeActionIsRejected() {
    HttpResponse<String> response = requestToken("repository:acme/app:pull,bogus");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_SCOPE").contains("pull,bogus");
  }

  @Test
  void tokenSentAsUserNameIsNotEchoed() {
    HttpResponse<String> response =
        http.get(
            "/auth/token?service=slipway-registry",
            "Authorization",
            basic(bootstrapToken, bootstrapToken));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).doesNotContain(bootstrapToken);
  }

  @Test
  void garbageCollectionRejectsHugeGracePeriod() {
    HttpResponse<String> response =
        http.post(
            "/api/v1/registry/garbage-collection?dryRun=true&gracePeriod=P999999999999D",
            "text/plain",
            "",
            "Authorization",
            basic("admin", bootstrapToken));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_GRACE_PERIOD");
  }
}
