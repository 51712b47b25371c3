package io.slipway.api.signing;

import static io.slipway.api.release.ReleaseWorld.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestDevice;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/** What the first start of a server does for signing, and what a restart keeps. */
@ExtendWith(OutputCaptureExtension.class)
class SigningStartupIT {

  @TempDir Path dataDirectory;

  @Test
  void firstStartGeneratesActiveKey() throws Exception {
    TestDatabase database = TestDatabase.h2();

    try (ReleaseWorld world = ReleaseWorld.start(database, dataDirectory)) {
      List<JsonNode> keys = keys(world);
      Path masterKey = dataDirectory.resolve("keys").resolve("signing-master.key");

      assertThat(keys).hasSize(1);
      assertThat(keys.get(0).get("state").asString()).isEqualTo("ACTIVE");
      assertThat(keys.get(0).get("origin").asString()).isEqualTo("GENERATED");
      assertThat(keys.get(0).get("algorithm").asString()).isEqualTo("ECDSA_P256");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(masterKey)))
          .isEqualTo("rw-------");
      assertThat(Files.isDirectory(dataDirectory.resolve("keys").resolve("signing"))).isTrue();
      assertThat(generatedAuditRows(world))
          .containsExactly(
              Map.of(
                  "actor_kind", "SYSTEM",
                  "actor", "system:signing",
                  "target", keys.get(0).get("hint").asString()));
    }
  }

  @Test
  void restartKeepsTheKeysAndGeneratesNone() throws Exception {
    TestDatabase database = TestDatabase.h2();
    List<JsonNode> before;
    try (ReleaseWorld first = ReleaseWorld.start(database, dataDirectory)) {
      before = keys(first);
    }

    try (ReleaseWorld second = ReleaseWorld.start(database, dataDirectory)) {
      List<JsonNode> after = keys(second);

      assertThat(after).isEqualTo(before);
      assertThat(generatedAuditRows(second)).hasSize(1);
    }
  }

  @Test
  void configuredMasterKeyWritesNoMasterKeyFile() throws Exception {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    String base64 = Base64.getEncoder().encodeToString(key);

    try (ReleaseWorld world =
        ReleaseWorld.start(
            TestDatabase.h2(), dataDirectory, "--slipway.signing.master-key=" + base64)) {
      assertThat(keys(world)).hasSize(1);
      assertThat(dataDirectory.resolve("keys").resolve("signing-master.key")).doesNotExist();
    }
  }

  @Test
  void ed25519SettingGeneratesAnEd25519Key() throws Exception {
    try (ReleaseWorld world =
        ReleaseWorld.start(
            TestDatabase.h2(), dataDirectory, "--slipway.signing.algorithm=ED25519")) {
      assertThat(keys(world).get(0).get("algorithm").asString()).isEqualTo("ED25519");
    }
  }

  @Test
  void keyLifetimeSetsTheFirstKeysExpiry() throws Exception {
    try (ReleaseWorld world =
        ReleaseWorld.start(
            TestDatabase.h2(), dataDirectory, "--slipway.signing.key-lifetime=P30D")) {
      JsonNode key = keys(world).get(0);

      assertThat(key.get("expiresAt").asLong() - key.get("createdAt").asLong())
          .isEqualTo(Duration.ofDays(30).toMillis());
    }
  }

  @Test
  void revokedActiveKeyStopsSigning(CapturedOutput output) throws Exception {
    TestDatabase database = TestDatabase.h2();
    try (ReleaseWorld world = ReleaseWorld.start(database, dataDirectory)) {
      String admin = adminToken(world);
      TestFleet fleet = world.newFleet();
      TestDevice device = world.device(fleet.id());
      String id = keys(world).get(0).get("id").asString();

      world.call("POST", "/api/v1/signing/keys/" + id + "/revoke", null, admin);
      HttpResponse<String> state =
          world.call("GET", "/device/v1/" + device.uuid() + "/state/signed", null, device.key());

      assertThat(state.statusCode()).isEqualTo(503);
      assertThat(json(state).get("code").asString()).isEqualTo("SIGNING_KEY_UNAVAILABLE");
      assertThat(json(state).get("message").asString())
          .contains("POST /api/v1/signing/keys/{id}/activate")
          .doesNotContain(dataDirectory.toString());
    }

    try (ReleaseWorld restarted = ReleaseWorld.start(database, dataDirectory)) {
      assertThat(keys(restarted)).hasSize(1);
      assertThat(output.getAll()).contains("No signing key is active");

      // A key added while none is active signs at once, and the audit log records an activation.
      HttpResponse<String> generated =
          restarted.call("POST", "/api/v1/signing/keys", "{}", adminToken(restarted));
      String hint = json(generated).get("hint").asString();
      assertThat(json(generated).get("state").asString()).isEqualTo("ACTIVE");
      assertThat(auditActions(restarted, hint))
          .containsExactly("signing.key.generated", "signing.key.activated");
    }
  }

  private static List<String> auditActions(ReleaseWorld world, String hint) {
    return world
        .jdbc()
        .sql("SELECT action FROM audit_log WHERE target = ? ORDER BY id")
        .param(hint)
        .query(String.class)
        .list();
  }

  private static String adminToken(ReleaseWorld world) throws Exception {
    return Files.readString(
            Path.of(world.context().getEnvironment().getProperty("slipway.data-dir"))
                .resolve("bootstrap-token"))
        .strip();
  }

  private static List<JsonNode> keys(ReleaseWorld world) throws Exception {
    List<JsonNode> keys = new ArrayList<>();
    json(world.call("GET", "/api/v1/signing/keys", null, adminToken(world))).forEach(keys::add);
    return keys;
  }

  private static List<Map<String, Object>> generatedAuditRows(ReleaseWorld world) {
    return world
        .jdbc()
        .sql(
            "SELECT actor_kind, actor, target FROM audit_log"
                + " WHERE action = 'signing.key.generated' ORDER BY id")
        .query()
        .listOfRows();
  }
}
