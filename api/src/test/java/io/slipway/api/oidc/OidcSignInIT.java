package io.slipway.api.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.NettyWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenID Connect sign-in through the running server against a real OpenID provider (the mock OAuth2
 * server), both on 127.0.0.1. Redirects are followed by hand, as a browser would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcSignInIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String ISSUER_ID = "default";

  @TempDir static Path dataDirectory;

  private MockOAuth2Server provider;
  private ConfigurableApplicationContext server;
  private JdbcClient jdbc;
  private String slipway;
  private static final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** Returns a new database for the server of this class. */
  TestDatabase freshDatabase() {
    return TestDatabase.h2();
  }

  @BeforeAll
  void start() throws IOException {
    // The mock's default HTTP server is okhttp's MockWebServer 5.4, which does not run on the
    // okhttp 5.1 that this build pins for MinIO, so the mock serves through Netty instead.
    OAuth2Config config =
        new OAuth2Config(
            false, null, null, false, new OAuth2TokenProvider(), Set.of(), new NettyWrapper());
    provider = new MockOAuth2Server(config);
    provider.start(InetAddress.getByName("127.0.0.1"), 0);
    // The mock names its issuer after the host a request reached it by, so this is the issuer.
    String issuer = "http://127.0.0.1:" + provider.baseUrl().port() + "/" + ISSUER_ID;

    TestDatabase database = freshDatabase();
    server =
        TestServers.start(
            database,
            dataDirectory,
            "--slipway.oidc.providers.mock.issuer-uri=" + issuer,
            "--slipway.oidc.providers.mock.client-id=slipway",
            "--slipway.oidc.providers.mock.client-secret=mock-secret",
            "--slipway.oidc.providers.mock.display-name=Mock provider",
            "--slipway.oidc.providers.mock.auto-create-users=true",
            "--slipway.oidc.providers.invite-only.issuer-uri=" + issuer,
            "--slipway.oidc.providers.invite-only.client-id=slipway",
            "--slipway.oidc.providers.invite-only.client-secret=mock-secret");
    slipway = "http://127.0.0.1:" + TestServers.port(server);
    jdbc = JdbcClient.create(database.dataSource());
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (provider != null) {
      provider.shutdown();
    }
  }

  private static HttpResponse<String> get(String url, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a test server", e);
    }
  }

  private String location(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
    return response.headers().firstValue("Location").orElseThrow();
  }

  /** Starts a sign-in with {@code providerId} and returns the provider's authorization URL. */
  private String authorizationUrl(String providerId) {
    return location(get(slipway + "/api/v1/auth/oidc/" + providerId + "/authorize"));
  }

  /** Sends the browser to the provider and returns the callback URL it redirects back to. */
  private String callbackUrl(String authorizationUrl) {
    String callback = location(get(authorizationUrl));
    assertThat(callback).startsWith(slipway + "/api/v1/auth/oidc/");
    return callback;
  }

  /** Has the provider sign in {@code subject} with {@code claims} at its next token request. */
  private void nextAccount(String subject, Map<String, Object> claims) {
    provider.enqueueCallback(
        new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", null, claims, 3600));
  }

  private String signIn(String subject, String preferredUsername) {
    nextAccount(subject, Map.of("preferred_username", preferredUsername));
    HttpResponse<String> response = get(callbackUrl(authorizationUrl("mock")));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("token").asString();
  }

  private String usernameOf(String sessionToken) {
    HttpResponse<String> response =
        get(slipway + "/api/v1/user", "Authorization", "Bearer " + sessionToken);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("username").asString();
  }

  private static String code(HttpResponse<String> response) {
    return JSON.readTree(response.body()).path("code").asString();
  }

  private static String withParameter(String url, String name, String value) {
    Matcher matcher = Pattern.compile("([?&]" + name + "=)[^&]*").matcher(url);
    assertThat(matcher.find()).as(name + " in " + url).isTrue();
    return url.substring(0, matcher.start())
        + matcher.group(1)
        + value
        + url.substring(matcher.end());
  }

  @Test
  void providersAreListed() {
    JsonNode providers = JSON.readTree(get(slipway + "/api/v1/auth/oidc/providers").body());

    assertThat(providers.size()).isEqualTo(2);
    assertThat(providers.get(1).path("id").asString()).isEqualTo("mock");
    assertThat(providers.get(1).path("displayName").asString()).isEqualTo("Mock provider");
  }

  @Test
  void authorizeRedirectsWithPkceStateAndNonce() {
    String url = authorizationUrl("mock");

    assertThat(url).startsWith("http://127.0.0.1:" + provider.baseUrl().port() + "/");
    assertThat(url).contains("code_challenge_method=S256");
    assertThat(url).contains("code_challenge=");
    assertThat(url).contains("state=");
    assertThat(url).contains("nonce=");
    assertThat(url).contains("client_id=slipway");
  }

  @Test
  void redirectParameterBecomesRedirectUri() {
    String redirect = "http://127.0.0.1:1/cli-callback";

    String url =
        location(
            get(
                slipway
                    + "/api/v1/auth/oidc/mock/authorize?redirect="
                    + URLEncoder.encode(redirect, StandardCharsets.UTF_8)));

    assertThat(url).contains("redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8));
  }

  @Test
  void nonHttpRedirectIsRejected() {
    HttpResponse<String> response =
        get(slipway + "/api/v1/auth/oidc/mock/authorize?redirect=javascript:alert(1)");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(code(response)).isEqualTo("OIDC_INVALID_REDIRECT");
  }

  @Test
  void firstSignInCreatesUserWithSession() {
    String token = signIn("subject-alice", "Alice Smith");

    assertThat(token).startsWith("sls_");
    assertThat(usernameOf(token)).isEqualTo("alice-smith");
  }

  @Test
  void laterSignInReusesLinkedUser() {
    String first = signIn("subject-carol", "carol");
    String second = signIn("subject-carol", "renamed-at-provider");

    assertThat(usernameOf(second)).isEqualTo(usernameOf(first));
  }

  @Test
  void takenUsernameGetsSuffix() {
    jdbc.sql("INSERT INTO app_user (username, created_at) VALUES ('bob', 0)").update();

    String token = signIn("subject-bob", "bob");

    assertThat(usernameOf(token)).isEqualTo("bob-2");
  }

  @Test
  void signInIsAudited() {
    String token = signIn("subject-dave", "dave");
    usernameOf(token);

    String details =
        jdbc.sql(
                "SELECT details FROM audit_log WHERE action = 'user.login' AND actor = 'dave'"
                    + " ORDER BY id DESC")
            .query(String.class)
            .list()
            .get(0);
    assertThat(details).contains("\"method\":\"oidc\"");
  }

  @Test
  void tamperedStateIsRejected() {
    String callback = callbackUrl(authorizationUrl("mock"));

    HttpResponse<String> response = get(withParameter(callback, "state", "forged-state"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(code(response)).isEqualTo("OIDC_STATE_INVALID");
  }

  @Test
  void replayedStateIsRejected() {
    nextAccount("subject-erin", Map.of("preferred_username", "erin"));
    String callback = callbackUrl(authorizationUrl("mock"));
    assertThat(get(callback).statusCode()).isEqualTo(200);

    HttpResponse<String> replay = get(callback);

    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(code(replay)).isEqualTo("OIDC_STATE_REUSED");
  }

  @Test
  void parallelCallbacksUseStateOnce() throws Exception {
    nextAccount("subject-frank", Map.of("preferred_username", "frank"));
    String callback = callbackUrl(authorizationUrl("mock"));

    CompletableFuture<HttpResponse<String>> first =
        CompletableFuture.supplyAsync(() -> get(callback));
    CompletableFuture<HttpResponse<String>> second =
        CompletableFuture.supplyAsync(() -> get(callback));
    List<Integer> statuses =
        List.of(
            first.get(60, TimeUnit.SECONDS).statusCode(),
            second.get(60, TimeUnit.SECONDS).statusCode());

    assertThat(statuses).containsExactlyInAnyOrder(200, 400);
  }

  @Test
  void expiredStateIsRejected() {
    String callback = callbackUrl(authorizationUrl("mock"));
    jdbc.sql("UPDATE oidc_login_state SET expires_at = 0 WHERE used_at IS NULL").update();

    HttpResponse<String> response = get(callback);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(code(response)).isEqualTo("OIDC_STATE_EXPIRED");
  }

  @Test
  void wrongNonceIsRejected() {
    // The browser's trip to the provider carries another nonce, so the ID token names that one.
    String authorization = withParameter(authorizationUrl("mock"), "nonce", "another-nonce");

    HttpResponse<String> response = get(callbackUrl(authorization));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(code(response)).isEqualTo("OIDC_ID_TOKEN_INVALID");
  }

  @Test
  void unknownCodeFailsTokenExchange() {
    String callback = callbackUrl(authorizationUrl("mock"));

    HttpResponse<String> response = get(withParameter(callback, "code", "made-up-code"));

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(code(response)).isEqualTo("OIDC_TOKEN_EXCHANGE_FAILED");
  }

  @Test
  void providerErrorIsReported() {
    String callback = callbackUrl(authorizationUrl("mock"));
    String state = callback.replaceAll(".*[?&]state=([^&]*).*", "$1");

    HttpResponse<String> response =
        get(
            slipway
                + "/api/v1/auth/oidc/mock/callback?error=access_denied&error_description=no&state="
                + state);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(code(response)).isEqualTo("OIDC_PROVIDER_ERROR");
  }

  @Test
  void unknownProviderIsNotFound() {
    HttpResponse<String> response = get(slipway + "/api/v1/auth/oidc/nowhere/authorize");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(code(response)).isEqualTo("OIDC_PROVIDER_NOT_FOUND");
  }

  @Test
  void overlongProviderIdIsNotFound() {
    String id = "p".repeat(300);

    HttpResponse<String> response =
        get(slipway + "/api/v1/auth/oidc/" + id + "/callback?code=x&state=y");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(code(response)).isEqualTo("OIDC_PROVIDER_NOT_FOUND");
  }

  @Test
  void providerWithoutAutoCreateRejectsUnlinkedAccount() {
    HttpResponse<String> response = get(callbackUrl(authorizationUrl("invite-only")));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(code(response)).isEqualTo("OIDC_USER_NOT_LINKED");
  }

  @Test
  void failedSignInIsAudited() {
    get(slipway + "/api/v1/auth/oidc/mock/callback?code=x&state=unknown");

    long failures =
        jdbc.sql(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'user.login.failed'"
                    + " AND details LIKE '%OIDC_STATE_INVALID%'")
            .query(Long.class)
            .single();
    assertThat(failures).isPositive();
  }
}
