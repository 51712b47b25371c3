package io.slipway.api.account;

import static io.slipway.api.server.HttpTestClient.basic;
import static io.slipway.api.server.HttpTestClient.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.account.totp.Base32;
import io.slipway.api.account.totp.Totp;
import io.slipway.api.server.HttpTestClient;
import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives accounts through a running server on H2: users, sign-in, TOTP, lockout, tokens, SSH keys.
 * {@link AccountsOnPostgresIT} runs the same tests on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountsIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PASSWORD = "correct-staple-owl-42";

  @TempDir Path scratch;

  private Path dataDirectory;
  private TestDatabase database;
  private ConfigurableApplicationContext server;
  private HttpTestClient http;
  private String admin;

  /** Returns a new, migrated database for one server. */
  TestDatabase freshDatabase() {
    return TestDatabase.h2();
  }

  @BeforeAll
  void startServer() throws Exception {
    dataDirectory = Files.createTempDirectory("accounts-it");
    // Every request comes from 127.0.0.1, so the address limit is raised out of the way here; a
    // test of its own checks it.
    database = freshDatabase();
    server =
        TestServers.start(
            database, dataDirectory, "--slipway.accounts.lockout.address-failures=1000");
    http = new HttpTestClient(TestServers.port(server));
    admin = bearer(Files.readString(dataDirectory.resolve("bootstrap-token")).strip());
  }

  @AfterAll
  void stopServer() throws Exception {
    server.close();
    FileSystemUtils.deleteRecursively(dataDirectory);
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  private static String quote(String value) {
    return JSON.writeValueAsString(value);
  }

  private static String code(HttpResponse<String> response) {
    return json(response).path("code").asString();
  }

  private static void createUser(HttpTestClient client, String authorization, String username) {
    HttpResponse<String> created =
        client.postJson(
            "/api/v1/users",
            "{\"username\":" + quote(username) + ",\"password\":" + quote(PASSWORD) + "}",
            "Authorization",
            authorization);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  private static HttpResponse<String> login(HttpTestClient client, String username, String extra) {
    return client.postJson(
        "/api/v1/auth/login",
        "{\"username\":" + quote(username) + ",\"password\":" + quote(PASSWORD) + extra + "}");
  }

  private HttpResponse<String> loginWith(String username, String password) {
    return http.postJson(
        "/api/v1/auth/login",
        "{\"username\":" + quote(username) + ",\"password\":" + quote(password) + "}");
  }

  /** Creates a user and signs in; returns the session's Authorization header value. */
  private String userSession(String username) {
    createUser(http, admin, username);
    HttpResponse<String> login = login(http, username, "");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    return bearer(json(login).path("token").asString());
  }

  /** Enrols and confirms TOTP; returns the secret and the recovery codes. */
  private Enrolled enrolTotp(String session) {
    HttpResponse<String> enrol = http.postJson("/api/v1/user/totp", "{}", "Authorization", session);
    assertThat(enrol.statusCode()).as(enrol.body()).isEqualTo(201);
    byte[] secret = Base32.decode(json(enrol).path("secret").asString());

    String code = Totp.code(secret, Totp.step(System.currentTimeMillis()));
    HttpResponse<String> confirm =
        http.postJson(
            "/api/v1/user/totp/confirm",
            "{\"code\":" + quote(code) + "}",
            "Authorization",
            session);
    assertThat(confirm.statusCode()).as(confirm.body()).isEqualTo(200);
    List<String> recovery = new ArrayList<>();
    json(confirm).path("recoveryCodes").forEach(node -> recovery.add(node.asString()));
    return new Enrolled(secret, code, recovery);
  }

  private record Enrolled(byte[] secret, String confirmCode, List<String> recoveryCodes) {}

  /** Returns a code the server has not seen yet: the next step's, inside the ±1 step window. */
  private static String nextCode(byte[] secret) {
    return Totp.code(secret, Totp.step(System.currentTimeMillis()) + 1);
  }

  private List<String> auditActions() {
    HttpResponse<String> log = http.get("/api/v1/audit-log?limit=1000", "Authorization", admin);
    assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
    List<String> actions = new ArrayList<>();
    json(log).forEach(entry -> actions.add(entry.path("action").asString()));
    return actions;
  }

  @Test
  void adminCreatesUserWhoSignsInAndOut() {
    createUser(http, admin, "alice");

    HttpResponse<String> login = login(http, "alice", "");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String token = json(login).path("token").asString();
    assertThat(token).startsWith("sls_");
    assertThat(json(login).path("expiresAt").asLong()).isGreaterThan(System.currentTimeMillis());

    HttpResponse<String> me = http.get("/api/v1/user", "Authorization", bearer(token));
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(json(me).path("username").asString()).isEqualTo("alice");
    assertThat(json(me).path("serverAdmin").asBoolean()).isFalse();
    assertThat(me.body()).doesNotContain("password");

    HttpResponse<String> list = http.get("/api/v1/users", "Authorization", admin);
    assertThat(list.body()).contains("\"alice\"");

    HttpResponse<String> logout =
        http.postJson("/api/v1/auth/logout", "{}", "Authorization", bearer(token));
    assertThat(logout.statusCode()).isEqualTo(204);
    assertThat(http.get("/api/v1/user", "Authorization", bearer(token)).statusCode())
        .isEqualTo(401);
  }

  @Test
  void userAdministrationIsForServerAdminsOnly() {
    String session = userSession("norm");

    HttpResponse<String> list = http.get("/api/v1/users", "Authorization", session);
    assertThat(list.statusCode()).isEqualTo(403);
    assertThat(code(list)).isEqualTo("FORBIDDEN");

    HttpResponse<String> anonymous =
        http.postJson("/api/v1/users", "{\"username\":\"x1\",\"password\":\"a-b-c-d-e-f-g\"}");
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void createUserRejectsBadValues() {
    HttpResponse<String> weak =
        http.postJson(
            "/api/v1/users",
            "{\"username\":\"weakling\",\"password\":\"password1234\"}",
            "Authorization",
            admin);
    assertThat(code(weak)).isEqualTo("WEAK_PASSWORD");
    assertThat(weak.statusCode()).isEqualTo(400);

    HttpResponse<String> sameAsName =
        http.postJson(
            "/api/v1/users",
            "{\"username\":\"longusername1\",\"password\":\"longusername1\"}",
            "Authorization",
            admin);
    assertThat(code(sameAsName)).isEqualTo("WEAK_PASSWORD");

    HttpResponse<String> badName =
        http.postJson(
            "/api/v1/users",
            "{\"username\":\"Bad Name\",\"password\":" + quote(PASSWORD) + "}",
            "Authorization",
            admin);
    assertThat(code(badName)).isEqualTo("INVALID_USERNAME");

    createUser(http, admin, "taken");
    HttpResponse<String> taken =
        http.postJson(
            "/api/v1/users",
            "{\"username\":\"taken\",\"password\":" + quote(PASSWORD) + "}",
            "Authorization",
            admin);
    assertThat(taken.statusCode()).isEqualTo(409);
    assertThat(code(taken)).isEqualTo("USERNAME_TAKEN");
  }

  @Test
  void unknownUserAndWrongPasswordGetSameAnswer() {
    createUser(http, admin, "olga");

    HttpResponse<String> wrong = loginWith("olga", "not-the-password-1");
    HttpResponse<String> unknown = loginWith("nobody-here", "not-the-password-1");

    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(code(wrong)).isEqualTo("INVALID_CREDENTIALS");
    assertThat(code(unknown)).isEqualTo("INVALID_CREDENTIALS");
  }

  @Test
  void totpEnrolmentSignInRecoveryAndRemoval() {
    String session = userSession("bob");

    HttpResponse<String> enrol = http.postJson("/api/v1/user/totp", "{}", "Authorization", session);
    String secret = json(enrol).path("secret").asString();
    assertThat(secret).matches("[A-Z2-7]{32}");
    assertThat(json(enrol).path("otpauthUri").asString())
        .isEqualTo(
            "otpauth://totp/Slipway:bob?secret="
                + secret
                + "&issuer=Slipway&algorithm=SHA1&digits=6&period=30");

    String stored =
        JdbcClient.create(database.dataSource())
            .sql("SELECT totp_secret FROM app_user WHERE username = 'bob'")
            .query(String.class)
            .single();
    assertThat(stored).startsWith("v1:").doesNotContain(secret);
    assertThat(dataDirectory.resolve("keys").resolve("totp-secrets.key")).exists();

    // Until a code is confirmed, the password alone still signs in.
    assertThat(login(http, "bob", "").statusCode()).isEqualTo(200);
    HttpResponse<String> badConfirm =
        http.postJson(
            "/api/v1/user/totp/confirm", "{\"code\":\"000000\"}", "Authorization", session);
    if (!Totp.verify(Base32.decode(secret), "000000", System.currentTimeMillis(), Long.MIN_VALUE)
        .isPresent()) {
      assertThat(code(badConfirm)).isEqualTo("INVALID_TOTP_CODE");
    }

    Enrolled enrolled = enrolTotp(session);
    assertThat(enrolled.recoveryCodes()).hasSize(10).doesNotHaveDuplicates();
    assertThat(
            json(http.get("/api/v1/user", "Authorization", session))
                .path("totpEnabled")
                .asBoolean())
        .isTrue();

    HttpResponse<String> passwordOnly = login(http, "bob", "");
    assertThat(passwordOnly.statusCode()).isEqualTo(401);
    assertThat(code(passwordOnly)).isEqualTo("TOTP_REQUIRED");

    HttpResponse<String> replay = login(http, "bob", ",\"totp\":" + quote(enrolled.confirmCode()));
    assertThat(code(replay)).isEqualTo("INVALID_TOTP_CODE");

    String fresh = nextCode(enrolled.secret());
    HttpResponse<String> withCode = login(http, "bob", ",\"totp\":" + quote(fresh));
    assertThat(withCode.statusCode()).as(withCode.body()).isEqualTo(200);
    HttpResponse<String> sameCodeAgain = login(http, "bob", ",\"totp\":" + quote(fresh));
    assertThat(code(sameCodeAgain)).isEqualTo("INVALID_TOTP_CODE");

    String recovery = enrolled.recoveryCodes().get(0);
    HttpResponse<String> withRecovery =
        login(http, "bob", ",\"recoveryCode\":" + quote(recovery.toUpperCase()));
    assertThat(withRecovery.statusCode()).as(withRecovery.body()).isEqualTo(200);
    HttpResponse<String> recoveryAgain = login(http, "bob", ",\"recoveryCode\":" + quote(recovery));
    assertThat(code(recoveryAgain)).isEqualTo("INVALID_RECOVERY_CODE");

    String newSession = bearer(json(withRecovery).path("token").asString());
    HttpResponse<String> regenerated =
        http.postJson(
            "/api/v1/user/recovery-codes",
            "{\"password\":" + quote(PASSWORD) + "}",
            "Authorization",
            newSession);
    assertThat(regenerated.statusCode()).as(regenerated.body()).isEqualTo(200);
    assertThat(json(regenerated).path("recoveryCodes").size()).isEqualTo(10);
    HttpResponse<String> oldCode =
        login(http, "bob", ",\"recoveryCode\":" + quote(enrolled.recoveryCodes().get(1)));
    assertThat(code(oldCode)).isEqualTo("INVALID_RECOVERY_CODE");

    HttpResponse<String> noProof =
        http.send("DELETE", "/api/v1/user/totp", "{}", "Authorization", newSession);
    assertThat(noProof.statusCode()).isEqualTo(400);
    HttpResponse<String> disabled =
        http.send(
            "DELETE",
            "/api/v1/user/totp",
            "{\"password\":" + quote(PASSWORD) + "}",
            "Authorization",
            newSession);
    assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(204);
    assertThat(login(http, "bob", "").statusCode()).isEqualTo(200);

    assertThat(auditActions())
        .contains(
            "totp.enrolment.started",
            "totp.enabled",
            "totp.code.failed",
            "recovery-code.used",
            "recovery-code.failed",
            "totp.recovery-codes.regenerated",
            "totp.disabled");
  }

  @Test
  void fiveWrongPasswordsLockUserOut() {
    createUser(http, admin, "carol");

    for (int i = 0; i < 4; i++) {
      assertThat(code(loginWith("carol", "wrong-password-" + i))).isEqualTo("INVALID_CREDENTIALS");
    }
    HttpResponse<String> fifth = loginWith("carol", "wrong-password-5");
    assertThat(fifth.statusCode()).isEqualTo(429);
    assertThat(code(fifth)).isEqualTo("LOGIN_LOCKED");
    assertThat(fifth.headers().firstValueAsLong("Retry-After").orElseThrow()).isBetween(890L, 900L);

    HttpResponse<String> right = login(http, "carol", "");
    assertThat(right.statusCode()).isEqualTo(429);
    assertThat(code(right)).isEqualTo("LOGIN_LOCKED");
    assertThat(auditActions()).contains("user.locked", "user.login.failed");
  }

  @Test
  void successResetsFailureCount() {
    createUser(http, admin, "dave");

    for (int i = 0; i < 4; i++) {
      loginWith("dave", "wrong-password-" + i);
    }
    assertThat(login(http, "dave", "").statusCode()).isEqualTo(200);
    for (int i = 0; i < 4; i++) {
      assertThat(code(loginWith("dave", "wrong-password-" + i))).isEqualTo("INVALID_CREDENTIALS");
    }

    assertThat(login(http, "dave", "").statusCode()).isEqualTo(200);
  }

  @Test
  void wrongTotpCodesLockUserOut() {
    String session = userSession("erin");
    Enrolled enrolled = enrolTotp(session);
    String wrong = Totp.code(enrolled.secret(), Totp.step(System.currentTimeMillis()) - 5);

    for (int i = 0; i < 4; i++) {
      assertThat(code(login(http, "erin", ",\"totp\":" + quote(wrong))))
          .isEqualTo("INVALID_TOTP_CODE");
    }
    HttpResponse<String> fifth = login(http, "erin", ",\"totp\":" + quote(wrong));

    assertThat(fifth.statusCode()).isEqualTo(429);
    HttpResponse<String> valid =
        login(http, "erin", ",\"totp\":" + quote(nextCode(enrolled.secret())));
    assertThat(code(valid)).isEqualTo("LOGIN_LOCKED");
    assertThat(auditActions()).contains("totp.code.failed", "user.login.failed");
  }

  @Test
  void lockoutSurvivesRestart(@TempDir Path ownData) throws Exception {
    TestDatabase database = freshDatabase();
    String token;
    try (ConfigurableApplicationContext first = TestServers.start(database, ownData)) {
      HttpTestClient client = new HttpTestClient(TestServers.port(first));
      token = bearer(Files.readString(ownData.resolve("bootstrap-token")).strip());
      createUser(client, token, "frank");
      for (int i = 0; i < 5; i++) {
        client.postJson(
            "/api/v1/auth/login", "{\"username\":\"frank\",\"password\":\"wrong-password-x\"}");
      }
    }

    try (ConfigurableApplicationContext second = TestServers.start(database, ownData)) {
      HttpTestClient client = new HttpTestClient(TestServers.port(second));
      HttpResponse<String> login = login(client, "frank", "");

      assertThat(login.statusCode()).isEqualTo(429);
      assertThat(code(login)).isEqualTo("LOGIN_LOCKED");
    }
  }

  @Test
  void failuresFromOneAddressLockItOut(@TempDir Path ownData) throws Exception {
    try (ConfigurableApplicationContext own =
        TestServers.start(
            freshDatabase(),
            ownData,
            "--slipway.accounts.lockout.address-failures=3",
            "--slipway.accounts.lockout.user-failures=100")) {
      HttpTestClient client = new HttpTestClient(TestServers.port(own));
      String token = bearer(Files.readString(ownData.resolve("bootstrap-token")).strip());
      createUser(client, token, "gus");

      client.postJson("/api/v1/auth/login", "{\"username\":\"u1\",\"password\":\"guess-one-1\"}");
      client.postJson("/api/v1/auth/login", "{\"username\":\"u2\",\"password\":\"guess-two-2\"}");
      HttpResponse<String> third =
          client.postJson(
              "/api/v1/auth/login", "{\"username\":\"u3\",\"password\":\"guess-three\"}");
      assertThat(third.statusCode()).isEqualTo(429);
      assertThat(json(third).path("message").asString()).contains("127.0.0.1");

      HttpResponse<String> valid = login(client, "gus", "");
      assertThat(valid.statusCode()).isEqualTo(429);
    }
  }

  @Test
  void lockoutDoublesWhenFailuresGoOn(@TempDir Path ownData) throws Exception {
    try (ConfigurableApplicationContext own =
        TestServers.start(
            freshDatabase(),
            ownData,
            "--slipway.accounts.lockout.duration=2s",
            "--slipway.accounts.lockout.address-failures=1000")) {
      HttpTestClient client = new HttpTestClient(TestServers.port(own));
      String token = bearer(Files.readString(ownData.resolve("bootstrap-token")).strip());
      createUser(client, token, "otto");
      String wrong = "{\"username\":\"otto\",\"password\":\"wrong-password-o\"}";

      HttpResponse<String> first = null;
      for (int i = 0; i < 5; i++) {
        first = client.postJson("/api/v1/auth/login", wrong);
      }
      assertThat(first.headers().firstValue("Retry-After")).hasValue("2");
      TimeUnit.MILLISECONDS.sleep(2_200);

      HttpResponse<String> second = null;
      for (int i = 0; i < 5; i++) {
        second = client.postJson("/api/v1/auth/login", wrong);
      }
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.headers().firstValue("Retry-After")).hasValue("4");
    }
  }

  @Test
  void concurrentSignInsAcceptOneTotpCodeOnce() throws Exception {
    String session = userSession("pia");
    Enrolled enrolled = enrolTotp(session);
    String fresh = nextCode(enrolled.secret());

    List<CompletableFuture<Integer>> attempts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      attempts.add(
          CompletableFuture.supplyAsync(
              () -> login(http, "pia", ",\"totp\":" + quote(fresh)).statusCode()));
    }
    List<Integer> statuses = attempts.stream().map(CompletableFuture::join).toList();

    assertThat(statuses).filteredOn(status -> status == 200).hasSize(1);
    // Five refusals are also five failures, so the last may already meet the lockout.
    assertThat(statuses).filteredOn(status -> status == 401 || status == 429).hasSize(5);
  }

  @Test
  void apiTokensAuthenticateUntilRevoked() {
    String session = userSession("gina");

    HttpResponse<String> created =
        http.postJson("/api/v1/user/api-tokens", "{\"name\":\"ci\"}", "Authorization", session);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String token = json(created).path("token").asString();
    long id = json(created).path("id").asLong();
    assertThat(token).startsWith("slw_");

    HttpResponse<String> listed = http.get("/api/v1/user/api-tokens", "Authorization", session);
    assertThat(listed.body()).contains("\"ci\"").doesNotContain(token).doesNotContain("slw_");
    assertThat(json(listed).get(0).path("lastUsedAt").isNull()).isTrue();

    HttpResponse<String> me = http.get("/api/v1/user", "Authorization", bearer(token));
    assertThat(json(me).path("username").asString()).isEqualTo("gina");
    JsonNode used = json(http.get("/api/v1/user/api-tokens", "Authorization", session)).get(0);
    assertThat(used.path("lastUsedAt").asLong()).isPositive();

    HttpResponse<String> docker = http.get("/auth/token", "Authorization", basic("gina", token));
    assertThat(docker.statusCode()).as(docker.body()).isEqualTo(200);
    assertThat(json(docker).path("token").asString()).isNotEmpty();
    HttpResponse<String> otherName =
        http.get("/auth/token", "Authorization", basic("alice", token));
    assertThat(otherName.statusCode()).isEqualTo(401);

    HttpResponse<String> duplicate =
        http.postJson("/api/v1/user/api-tokens", "{\"name\":\"ci\"}", "Authorization", session);
    assertThat(code(duplicate)).isEqualTo("API_TOKEN_NAME_TAKEN");
    HttpResponse<String> past =
        http.postJson(
            "/api/v1/user/api-tokens",
            "{\"name\":\"old\",\"expiresAt\":1000}",
            "Authorization",
            session);
    assertThat(code(past)).isEqualTo("INVALID_EXPIRY");

    String stranger = userSession("hacker");
    HttpResponse<String> foreign =
        http.delete("/api/v1/user/api-tokens/" + id, "Authorization", stranger);
    assertThat(code(foreign)).isEqualTo("API_TOKEN_NOT_FOUND");

    HttpResponse<String> revoked =
        http.delete("/api/v1/user/api-tokens/" + id, "Authorization", session);
    assertThat(revoked.statusCode()).isEqualTo(204);
    assertThat(http.get("/api/v1/user", "Authorization", bearer(token)).statusCode())
        .isEqualTo(401);
    assertThat(http.get("/auth/token", "Authorization", basic("gina", token)).statusCode())
        .isEqualTo(401);
    assertThat(auditActions()).contains("api-token.created", "api-token.revoked");
  }

  @Test
  void expiredApiTokenIsRejected() throws Exception {
    String session = userSession("ivan");
    long expiresAt = System.currentTimeMillis() + 1500;
    HttpResponse<String> created =
        http.postJson(
            "/api/v1/user/api-tokens",
            "{\"name\":\"short\",\"expiresAt\":" + expiresAt + "}",
            "Authorization",
            session);
    String token = json(created).path("token").asString();
    assertThat(http.get("/api/v1/user", "Authorization", bearer(token)).statusCode())
        .isEqualTo(200);

    TimeUnit.MILLISECONDS.sleep(Math.max(0, expiresAt - System.currentTimeMillis()) + 200);

    assertThat(http.get("/api/v1/user", "Authorization", bearer(token)).statusCode())
        .isEqualTo(401);
  }

  @Test
  void disablingUserEndsSessionsAndTokens() {
    String session = userSession("hank");
    String token =
        json(http.postJson("/api/v1/user/api-tokens", "{\"name\":\"t\"}", "Authorization", session))
            .path("token")
            .asString();

    HttpResponse<String> disable =
        http.patchJson("/api/v1/users/hank", "{\"disabled\":true}", "Authorization", admin);
    assertThat(disable.statusCode()).as(disable.body()).isEqualTo(200);
    assertThat(json(disable).path("disabledAt").asLong()).isPositive();

    assertThat(http.get("/api/v1/user", "Authorization", session).statusCode()).isEqualTo(401);
    assertThat(http.get("/api/v1/user", "Authorization", bearer(token)).statusCode())
        .isEqualTo(401);
    HttpResponse<String> login = login(http, "hank", "");
    assertThat(login.statusCode()).isEqualTo(403);
    assertThat(code(login)).isEqualTo("USER_DISABLED");

    http.patchJson("/api/v1/users/hank", "{\"disabled\":false}", "Authorization", admin);
    assertThat(login(http, "hank", "").statusCode()).isEqualTo(200);
    assertThat(http.get("/api/v1/user", "Authorization", bearer(token)).statusCode())
        .isEqualTo(401);

    HttpResponse<String> self =
        http.patchJson("/api/v1/users/admin", "{\"disabled\":true}", "Authorization", admin);
    assertThat(code(self)).isEqualTo("CANNOT_DISABLE_SELF");
    assertThat(auditActions()).contains("user.disabled", "user.enabled", "user.created");
  }

  @Test
  void passwordChangeNeedsCurrentPasswordAndEndsSessions() {
    String session = userSession("ivy");
    String newPassword = "another-long-phrase-7";

    HttpResponse<String> wrong =
        http.putJson(
            "/api/v1/user/password",
            "{\"currentPassword\":\"nope-nope-nope\",\"newPassword\":" + quote(newPassword) + "}",
            "Authorization",
            session);
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(code(wrong)).isEqualTo("INVALID_CURRENT_PASSWORD");
    HttpResponse<String> weak =
        http.putJson(
            "/api/v1/user/password",
            "{\"currentPassword\":" + quote(PASSWORD) + ",\"newPassword\":\"short\"}",
            "Authorization",
            session);
    assertThat(code(weak)).isEqualTo("WEAK_PASSWORD");

    HttpResponse<String> changed =
        http.putJson(
            "/api/v1/user/password",
            "{\"currentPassword\":"
                + quote(PASSWORD)
                + ",\"newPassword\":"
                + quote(newPassword)
                + "}",
            "Authorization",
            session);
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(204);

    assertThat(http.get("/api/v1/user", "Authorization", session).statusCode()).isEqualTo(401);
    assertThat(loginWith("ivy", PASSWORD).statusCode()).isEqualTo(401);
    assertThat(loginWith("ivy", newPassword).statusCode()).isEqualTo(200);
    assertThat(auditActions()).contains("user.password.changed");
  }

  @Test
  void sshKeysAreParsedListedAndRemoved() throws Exception {
    String session = userSession("jack");
    Path ed25519 = sshKeygen("ed25519", 256);
    String line = Files.readString(ed25519).strip();

    HttpResponse<String> added =
        http.postJson(
            "/api/v1/user/ssh-keys",
            "{\"publicKey\":" + quote(line) + "}",
            "Authorization",
            session);
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    String expected = run("ssh-keygen", "-lf", ed25519.toString()).split(" ")[1];
    assertThat(json(added).path("fingerprint").asString()).isEqualTo(expected);
    assertThat(json(added).path("name").asString()).isEqualTo("jack@test");
    long id = json(added).path("id").asLong();

    HttpResponse<String> listed = http.get("/api/v1/user/ssh-keys", "Authorization", session);
    assertThat(json(listed).get(0).path("fingerprint").asString()).isEqualTo(expected);
    assertThat(json(listed).get(0).path("type").asString()).isEqualTo("ssh-ed25519");

    HttpResponse<String> again =
        http.postJson(
            "/api/v1/user/ssh-keys",
            "{\"publicKey\":" + quote(line) + "}",
            "Authorization",
            session);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(code(again)).isEqualTo("SSH_KEY_EXISTS");
    String other = userSession("kate");
    HttpResponse<String> elsewhere =
        http.postJson(
            "/api/v1/user/ssh-keys", "{\"publicKey\":" + quote(line) + "}", "Authorization", other);
    assertThat(code(elsewhere)).isEqualTo("SSH_KEY_EXISTS");

    String shortRsa = Files.readString(sshKeygen("rsa", 2048)).strip();
    HttpResponse<String> weak =
        http.postJson(
            "/api/v1/user/ssh-keys",
            "{\"publicKey\":" + quote(shortRsa) + "}",
            "Authorization",
            session);
    assertThat(code(weak)).isEqualTo("SSH_KEY_TOO_WEAK");
    HttpResponse<String> dsa =
        http.postJson(
            "/api/v1/user/ssh-keys",
            "{\"publicKey\":\"ssh-dss AAAAB3NzaC1kc3M= old\"}",
            "Authorization",
            session);
    assertThat(code(dsa)).isEqualTo("SSH_KEY_TYPE_NOT_ALLOWED");
    HttpResponse<String> garbage =
        http.postJson(
            "/api/v1/user/ssh-keys",
            "{\"publicKey\":\"ssh-ed25519 %%%not-base64\"}",
            "Authorization",
            session);
    assertThat(code(garbage)).isEqualTo("INVALID_SSH_KEY");

    HttpResponse<String> foreign =
        http.delete("/api/v1/user/ssh-keys/" + id, "Authorization", other);
    assertThat(code(foreign)).isEqualTo("SSH_KEY_NOT_FOUND");
    assertThat(http.delete("/api/v1/user/ssh-keys/" + id, "Authorization", session).statusCode())
        .isEqualTo(204);
    assertThat(json(http.get("/api/v1/user/ssh-keys", "Authorization", session)).size()).isZero();
    assertThat(auditActions()).contains("ssh-key.added", "ssh-key.removed");
  }

  @Test
  void accountEndpointsNeedCredentials() {
    for (String path :
        List.of("/api/v1/user", "/api/v1/user/api-tokens", "/api/v1/user/ssh-keys")) {
      assertThat(http.get(path).statusCode()).as(path).isEqualTo(401);
    }
    assertThat(http.postJson("/api/v1/user/totp", "{}").statusCode()).isEqualTo(401);
    assertThat(http.postJson("/api/v1/auth/logout", "{}").statusCode()).isEqualTo(401);
  }

  @Test
  void logoutWithApiTokenIsRejected() {
    String session = userSession("lena");
    String token =
        json(http.postJson("/api/v1/user/api-tokens", "{\"name\":\"x\"}", "Authorization", session))
            .path("token")
            .asString();

    HttpResponse<String> logout =
        http.postJson("/api/v1/auth/logout", "{}", "Authorization", bearer(token));

    assertThat(code(logout)).isEqualTo("SESSION_REQUIRED");
  }

  @Test
  void loginIsAudited() {
    createUser(http, admin, "mona");
    login(http, "mona", "");
    loginWith("mona", "wrong-password-m");

    assertThat(auditActions()).contains("user.login", "user.login.failed");
  }

  private Path sshKeygen(String type, int bits) throws Exception {
    Path key = scratch.resolve(type + bits);
    run(
        "ssh-keygen",
        "-q",
        "-t",
        type,
        "-b",
        Integer.toString(bits),
        "-N",
        "",
        "-C",
        "jack@test",
        "-f",
        key.toString());
    return Path.of(key + ".pub");
  }

  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
