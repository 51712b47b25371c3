package io.slipway.api.signing;

import static io.slipway.api.release.ReleaseWorld.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestDevice;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.key.PemKeys;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signing keys and signed target states through the running server: key rotation by an
 * administrator, what other callers get, the device's trust policy and its signed state checked
 * with the signing library as a device would. Subclasses pick the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SigningContract {

  private static final String KEYS = "/api/v1/signing/keys";
  private static final Duration VALIDITY = Duration.ofMinutes(1);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path dataDirectory;

  private ReleaseWorld world;
  private OffsetClock clock;
  private String admin;

  private TestFleet fleet;
  private TestDevice device;

  /** Returns a fresh database for the server of this class. */
  abstract TestDatabase database();

  @BeforeAll
  void startServer() throws Exception {
    world =
        ReleaseWorld.start(
            database(),
            dataDirectory,
            "--spring.main.sources=" + OffsetClock.class.getName(),
            "--slipway.signing.target-state-validity=" + VALIDITY);
    clock = world.context().getBean(OffsetClock.class);
    admin = Files.readString(dataDirectory.resolve("bootstrap-token")).strip();
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @BeforeEach
  void createFleet() {
    fleet = world.newFleet();
    device = world.device(fleet.id());
  }

  @Test
  void rotationRetiresTheOldKey() {
    String oldId = activeKey().get("id").asString();

    JsonNode created = json(expect(world.call("POST", KEYS, "{}", admin), 201));
    String newId = created.get("id").asString();
    JsonNode activated = json(expect(post(KEYS + "/" + newId + "/activate"), 200));
    JsonNode oldAfterActivation = key(oldId);
    JsonNode retired = json(expect(post(KEYS + "/" + oldId + "/retire"), 200));

    assertThat(created.get("state").asString()).isEqualTo("STANDBY");
    assertThat(activated.get("state").asString()).isEqualTo("ACTIVE");
    assertThat(oldAfterActivation.get("state").asString()).isEqualTo("STANDBY");
    assertThat(retired.get("state").asString()).isEqualTo("RETIRED");
    assertThat(retired.get("retiredAt").isNull()).isFalse();
    assertThat(auditActions(created.get("hint").asString()))
        .containsExactly("signing.key.generated", "signing.key.activated");
    assertThat(auditActions(retired.get("hint").asString())).contains("signing.key.retired");
  }

  @Test
  void activeKeyCannotBeRetired() {
    String activeId = activeKey().get("id").asString();

    HttpResponse<String> response = post(KEYS + "/" + activeId + "/retire");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(json(response).get("code").asString()).isEqualTo("SIGNING_KEY_STATE_CONFLICT");
    assertThat(json(response).get("message").asString())
        .contains(activeId)
        .contains("activate another key first");
  }

  @Test
  void unknownKeyIsNotFound() {
    String unknown = KeyHint.of(KeyAlgorithm.ECDSA_P256.generate().getPublic()).urlSafe();

    HttpResponse<String> response = post(KEYS + "/" + unknown + "/activate");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).get("code").asString()).isEqualTo("SIGNING_KEY_NOT_FOUND");
  }

  @Test
  void generatedEd25519KeyHasThatAlgorithm() {
    JsonNode created =
        json(expect(world.call("POST", KEYS, "{\"algorithm\":\"ED25519\"}", admin), 201));

    assertThat(created.get("algorithm").asString()).isEqualTo("ED25519");
    assertThat(PemKeys.parsePublicKey(created.get("publicKeyPem").asString()).getAlgorithm())
        .isIn("Ed25519", "EdDSA");
  }

  @Test
  void developerMayListButNotGenerate() {
    HttpResponse<String> list = world.call("GET", KEYS, null, fleet.developer());
    HttpResponse<String> generate = world.call("POST", KEYS, "{}", fleet.developer());

    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(generate.statusCode()).isEqualTo(403);
    assertThat(json(generate).get("code").asString()).isEqualTo("FORBIDDEN");
  }

  @Test
  void listShowsNoPrivateKey() {
    HttpResponse<String> response = world.call("GET", KEYS, null, admin);

    assertThat(response.body()).contains("PUBLIC KEY").doesNotContain("PRIVATE KEY");
  }

  @Test
  void importOfBadPemNamesTheProblem() {
    HttpResponse<String> response =
        world.call("POST", KEYS + "/import", "{\"privateKeyPem\":\"not a key\"}", admin);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("code").asString()).isEqualTo("SIGNING_KEY_INVALID");
    assertThat(json(response).get("message").asString()).contains("No PEM block found");
  }

  @Test
  void importOfPublicKeyPemIsRejected() {
    String pem = PemKeys.publicKeyPem(KeyAlgorithm.ECDSA_P256.generate().getPublic());

    HttpResponse<String> response = world.call("POST", KEYS + "/import", importBody(pem), admin);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("message").asString()).contains("'PUBLIC KEY'");
  }

  @Test
  void importedKeyShowsNoSecret() {
    KeyPair pair = KeyAlgorithm.ECDSA_P256.generate();
    String pem = PemKeys.privateKeyPem(pair.getPrivate());

    HttpResponse<String> response = world.call("POST", KEYS + "/import", importBody(pem), admin);
    HttpResponse<String> again = world.call("POST", KEYS + "/import", importBody(pem), admin);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(json(response).get("hint").asString())
        .isEqualTo(KeyHint.of(pair.getPublic()).value());
    assertThat(json(response).get("origin").asString()).isEqualTo("IMPORTED");
    assertThat(response.body()).doesNotContain("PRIVATE KEY");
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("already stored").doesNotContain("PRIVATE KEY");
  }

  @Test
  void pastExpiryIsRejected() {
    HttpResponse<String> response = world.call("POST", KEYS, "{\"expiresAt\":1000}", admin);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("code").asString()).isEqualTo("INVALID_EXPIRY");
  }

  @Test
  void revokedKeyReachesDevicesAsRevoked() {
    JsonNode created = json(expect(world.call("POST", KEYS, "{}", admin), 201));
    String id = created.get("id").asString();

    expect(post(KEYS + "/" + id + "/revoke"), 200);
    JsonNode trusted = trustedKey(device, id);

    assertThat(trusted.get("revoked").asBoolean()).isTrue();
    assertThat(auditActions(created.get("hint").asString())).contains("signing.key.revoked");
  }

  // Helpers.

  private HttpResponse<String> post(String path) {
    return world.call("POST", path, null, admin);
  }

  private JsonNode activeKey() {
    for (JsonNode key : json(world.call("GET", KEYS, null, admin))) {
      if (key.get("state").asString().equals("ACTIVE")) {
        return key;
      }
    }
    throw new AssertionError("No key is active");
  }

  private JsonNode key(String id) {
    for (JsonNode key : json(world.call("GET", KEYS, null, admin))) {
      if (key.get("id").asString().equals(id)) {
        return key;
      }
    }
    throw new AssertionError("Key " + id + " is not listed");
  }

  private JsonNode trustedKey(TestDevice caller, String id) {
    JsonNode body = json(deviceGet(caller, "/device/v1/" + caller.uuid() + "/signing-keys"));
    for (JsonNode key : body.get("keys")) {
      if (key.get("id").asString().equals(id)) {
        return key;
      }
    }
    throw new AssertionError("Key " + id + " is not in the trust policy of " + caller.uuid());
  }

  private List<String> auditActions(String hint) {
    return world
        .jdbc()
        .sql(
            "SELECT action FROM audit_log WHERE target_type = 'signing-key' AND target = ?"
                + " ORDER BY id")
        .param(hint)
        .query(String.class)
        .list();
  }

  private HttpResponse<String> deviceGet(TestDevice caller, String path) {
    return world.call("GET", path, null, caller.key());
  }

  private static String importBody(String pem) {
    return JSON.writeValueAsString(Map.of("privateKeyPem", pem));
  }

  private static HttpResponse<String> expect(HttpResponse<String> response, int status) {
    if (response.statusCode() != status) {
      throw new AssertionError(
          "Expected HTTP " + status + " but got " + response.statusCode() + ": " + response.body());
    }
    return response;
  }
}
