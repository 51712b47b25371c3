package io.slipway.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.registry.RegistrySettings;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token handshake against a stub realm on loopback, with a clock the test moves. */
class UpstreamAuthenticatorTest {

  private static final String REPOSITORY = "library/app";
  private static final String SCOPE = "repository:library/app:pull";

  private static final StubRealm realm = new StubRealm();
  private static StubServer server;

  private final MovableClock clock = new MovableClock();

  @BeforeAll
  static void startRealm() throws Exception {
    server = StubServer.start(Map.of("/token", realm));
  }

  @AfterAll
  static void stopRealm() throws Exception {
    server.close();
  }

  @BeforeEach
  void resetRealm() {
    realm.reset();
  }

  private static RegistrySettings.Mirror mirror(String username, String password) {
    return new RegistrySettings.Mirror(
        "hub", URI.create("http://127.0.0.1:1"), "", username, password);
  }

  private UpstreamAuthenticator authenticator(RegistrySettings.Mirror mirror) {
    return new UpstreamAuthenticator(
        mirror, HttpClient.newHttpClient(), clock, Duration.ofSeconds(10));
  }

  private static String bearerChallenge(String host) {
    return "Bearer realm=\"http://"
        + host
        + ":"
        + server.baseUri().getPort()
        + "/token\",service=\"upstream.test\",scope=\""
        + SCOPE
        + "\"";
  }

  private static String basic(String username, String password) {
    String pair = username + ":" + password;
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void bearerChallengeFetchesTokenFromRealm() {
    UpstreamAuthenticator authenticator = authenticator(mirror("user", "secret"));

    String authorization = authenticator.respond(REPOSITORY, List.of(bearerChallenge("127.0.0.1")));

    assertThat(authorization).isEqualTo("Bearer token-1");
    assertThat(realm.queries).containsExactly("service=upstream.test&scope=" + SCOPE);
    assertThat(realm.authorizations).containsExactly(basic("user", "secret"));
  }

  @Test
  void tokenIsReusedUntilShortlyBeforeExpiry() {
    UpstreamAuthenticator authenticator = authenticator(mirror("user", "secret"));
    authenticator.respond(REPOSITORY, List.of(bearerChallenge("127.0.0.1")));

    clock.advance(Duration.ofSeconds(53));
    var beforeMargin = authenticator.knownAuthorization(REPOSITORY);
    clock.advance(Duration.ofSeconds(2));
    var afterMargin = authenticator.knownAuthorization(REPOSITORY);

    // expires_in is 60 seconds and the token is dropped a tenth of that early.
    assertThat(beforeMargin).hasValue("Bearer token-1");
    assertThat(afterMargin).isEmpty();
  }

  @Test
  void tokenIsKeptPerRepository() {
    UpstreamAuthenticator authenticator = authenticator(mirror("user", "secret"));
    authenticator.respond(REPOSITORY, List.of(bearerChallenge("127.0.0.1")));

    assertThat(authenticator.knownAuthorization("library/other")).isEmpty();
  }

  @Test
  void anonymousMirrorRequestsTokenWithoutCredentials() {
    UpstreamAuthenticator authenticator = authenticator(mirror(null, null));

    String authorization = authenticator.respond(REPOSITORY, List.of(bearerChallenge("127.0.0.1")));

    assertThat(authorization).isEqualTo("Bearer token-1");
    assertThat(realm.authorizations).containsExactly("");
  }

  @Test
  void foreignHttpRealmGetsNoCredentials() {
    UpstreamAuthenticator authenticator = authenticator(mirror("user", "secret"));

    authenticator.respond(REPOSITORY, List.of(bearerChallenge("localhost")));

    assertThat(realm.authorizations).containsExactly("");
  }

  @Test
  void basicChallengeSendsCredentialsFromThenOn() {
    UpstreamAuthenticator authenticator = authenticator(mirror("user", "secret"));

    String authorization = authenticator.respond(REPOSITORY, List.of("Basic realm=\"upstream\""));

    assertThat(authorization).isEqualTo(basic("user", "secret"));
    assertThat(authenticator.knownAuthorization("library/other")).hasValue(basic("user", "secret"));
  }

  @Test
  void basicChallengeWithoutCredentialsFails() {
    UpstreamAuthenticator authenticator = authenticator(mirror(null, null));

    assertThatThrownBy(() -> authenticator.respond(REPOSITORY, List.of("Basic realm=\"upstream\"")))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("set a username and password on mirror 'hub'");
  }

  @Test
  void realmRejectingCredentialsFails() {
    realm.rejectAll = true;
    UpstreamAuthenticator authenticator = authenticator(mirror("user", "wrong"));

    assertThatThrownBy(
            () -> authenticator.respond(REPOSITORY, List.of(bearerChallenge("127.0.0.1"))))
        .isInstanceOf(UpstreamException.class)
        .hasMessageContaining("returned 401")
        .satisfies(e -> assertThat(((UpstreamException) e).status()).isEqualTo(401));
  }

  @Test
  void tokenTextIsNotInToString() {
    UpstreamToken token = new UpstreamToken("secret-token", Instant.EPOCH);

    assertThat(token.toString()).doesNotContain("secret-token");
  }

  /** A token realm that records what it was sent and issues numbered tokens for 60 seconds. */
  private static final class StubRealm extends HttpServlet {
    final List<String> queries = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final AtomicInteger issued = new AtomicInteger();
    volatile boolean rejectAll;

    void reset() {
      queries.clear();
      authorizations.clear();
      issued.set(0);
      rejectAll = false;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      queries.add(java.net.URLDecoder.decode(request.getQueryString(), StandardCharsets.UTF_8));
      String authorization = request.getHeader("Authorization");
      authorizations.add(authorization == null ? "" : authorization);
      if (rejectAll) {
        response.setStatus(401);
        return;
      }
      response.setContentType("application/json");
      response
          .getWriter()
          .write("{\"token\":\"token-" + issued.incrementAndGet() + "\",\"expires_in\":60}");
    }
  }

  /** A clock that stays at one instant until the test moves it. */
  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
