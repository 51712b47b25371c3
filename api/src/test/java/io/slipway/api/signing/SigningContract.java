package io.slipway.api.signing;

import static io.slipway.api.release.ReleaseWorld.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestDevice;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.api.server.HttpTestClient;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.dsse.EnvelopeJson;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.release.PinDocument;
import io.slipway.signing.state.TargetStateDocument;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustPolicyDocument;
import io.slipway.signing.trust.TrustUpdate;
import io.slipway.signing.trust.TrustedKey;
import io.slipway.signing.trust.VersionedTrustPolicy;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signing keys and signed target states through the running server: key rotation by an
 * administrator, what other callers get, the device's trust policy and its signed state checked
 * with the signing library as a device would. Subclasses pick the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
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
  void rotatedKeySignsTheState() {
    JsonNode created = json(expect(world.call("POST", KEYS, "{}", admin), 201));
    expect(post(KEYS + "/" + created.get("id").asString() + "/activate"), 200);

    Envelope envelope = signedState(device);

    assertThat(envelope.signatures().get(0).keyId().value())
        .isEqualTo(created.get("hint").asString());
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
  void importOfP384KeyNamesTheCurve() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    String pem = PemKeys.privateKeyPem(generator.generateKeyPair().getPrivate());

    HttpResponse<String> response = world.call("POST", KEYS + "/import", importBody(pem), admin);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("code").asString()).isEqualTo("SIGNING_KEY_INVALID");
    assertThat(json(response).get("message").asString()).contains("384-bit");
  }

  @Test
  void importedKeyShowsNoSecret(CapturedOutput output) {
    KeyPair pair = KeyAlgorithm.ECDSA_P256.generate();
    String pem = PemKeys.privateKeyPem(pair.getPrivate());
    String keyMaterial = pem.lines().skip(1).findFirst().orElseThrow();

    HttpResponse<String> response = world.call("POST", KEYS + "/import", importBody(pem), admin);
    HttpResponse<String> again = world.call("POST", KEYS + "/import", importBody(pem), admin);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(json(response).get("hint").asString())
        .isEqualTo(KeyHint.of(pair.getPublic()).value());
    assertThat(json(response).get("origin").asString()).isEqualTo("IMPORTED");
    assertThat(response.body()).doesNotContain("PRIVATE KEY");
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("already stored").doesNotContain("PRIVATE KEY");
    assertThat(output.getAll()).contains("signing.key.imported");
    assertThat(output.getAll()).doesNotContain(keyMaterial);
  }

  @Test
  void malformedImportBodyIsNotEchoed(CapturedOutput output) {
    String pem = PemKeys.privateKeyPem(KeyAlgorithm.ECDSA_P256.generate().getPrivate());
    String keyMaterial = pem.lines().skip(1).findFirst().orElseThrow();

    HttpResponse<String> response =
        world.call("POST", KEYS + "/import", "{\"privateKeyPem\": " + keyMaterial + "}", admin);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).doesNotContain(keyMaterial);
    assertThat(output.getAll()).doesNotContain(keyMaterial);
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

  @Test
  void signedKeyListFollowsRotation() {
    String firstId = activeKey().get("id").asString();
    KeyHint first = KeyHint.fromUrlSafe(firstId);
    TrustPolicy provisioned =
        TrustPolicy.of(trustPolicy(device).find(first).orElseThrow(AssertionError::new));
    VersionedTrustPolicy start = new VersionedTrustPolicy(provisioned, 0);

    VersionedTrustPolicy before = follow(start);
    JsonNode created = json(expect(world.call("POST", KEYS, "{}", admin), 201));
    KeyHint second = new KeyHint(created.get("hint").asString());
    Envelope withStandby = signedKeyList(device);
    VersionedTrustPolicy generated = follow(before);
    expect(post(KEYS + "/" + created.get("id").asString() + "/activate"), 200);
    VersionedTrustPolicy activated = follow(generated);
    VersionedTrustPolicy skipped = follow(start);
    expect(post(KEYS + "/" + firstId + "/retire"), 200);
    Envelope retiredList = signedKeyList(device);
    VersionedTrustPolicy retired = follow(activated);

    assertThat(withStandby.signatures())
        .extracting(signature -> signature.keyId())
        .contains(first, second);
    assertThat(retiredList.signatures())
        .extracting(signature -> signature.keyId())
        .contains(second)
        .doesNotContain(first);
    assertThat(generated.version()).isGreaterThan(before.version());
    assertThat(activated.version()).isGreaterThan(generated.version());
    assertThat(retired.version()).isGreaterThan(activated.version());
    assertThat(skipped.version()).isEqualTo(activated.version());
    assertThat(retired.policy().check(second, now(), now()).hint()).isEqualTo(second);
    // The store rounds a retirement up to the next second, so sign two seconds later.
    Instant afterRetirement = now().plusSeconds(2);
    assertThatThrownBy(() -> retired.policy().check(first, afterRetirement, afterRetirement))
        .isInstanceOf(VerificationException.class)
        .extracting(e -> ((VerificationException) e).failure())
        .isEqualTo(VerificationFailure.KEY_RETIRED);
    assertThatThrownBy(() -> TrustUpdate.apply(provisioned, 0, retiredList, now()))
        .isInstanceOf(VerificationException.class)
        .extracting(e -> ((VerificationException) e).failure())
        .isEqualTo(VerificationFailure.UNKNOWN_KEY);
  }

  @Test
  void signedKeyListListsThePlainKeys() {
    Envelope envelope = signedKeyList(device);
    TrustPolicyDocument document = TrustPolicyDocument.parse(envelope.payload());

    assertThat(envelope.payloadType()).isEqualTo(TrustPolicyDocument.PAYLOAD_TYPE);
    assertThat(document.keys())
        .extracting(TrustedKey::hint)
        .containsExactlyElementsOf(
            trustPolicy(device).keys().stream().map(TrustedKey::hint).toList());
  }

  @Test
  void unchangedKeyListAnswersNotModified() {
    String path = "/device/v1/" + device.uuid() + "/signing-keys/signed";
    String etag = etag(expect(deviceGet(device, path), 200));

    HttpResponse<String> second =
        world
            .http()
            .get(path, "Authorization", HttpTestClient.bearer(device.key()), "If-None-Match", etag);

    assertThat(second.statusCode()).isEqualTo(304);
  }

  @Test
  void deviceReadsOnlyItsOwnSignedState() {
    TestDevice sibling = world.device(fleet.id());

    HttpResponse<String> own = deviceGet(device, "/device/v1/" + device.uuid() + "/state/signed");
    HttpResponse<String> other =
        deviceGet(device, "/device/v1/" + sibling.uuid() + "/state/signed");
    HttpResponse<String> person =
        world.call("GET", "/device/v1/" + device.uuid() + "/state/signed", null, admin);

    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(person.statusCode()).isEqualTo(403);
  }

  @Test
  void signedStateVerifiesWithTheDevicesTrustPolicy() {
    world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer());

    Envelope envelope = signedState(device);
    TargetStateDocument document =
        TargetStateDocument.verify(envelope, trustPolicy(device), device.uuid(), null, now());

    assertThat(document.deviceUuid()).isEqualTo(device.uuid());
    assertThat(document.fleet()).isEqualTo(fleet.org() + "/" + fleet.slug());
    assertThat(Duration.between(document.issuedAt(), document.expiresAt())).isEqualTo(VALIDITY);
  }

  @Test
  void signedStateNamesTheCurrentKeyListVersion() {
    VersionedTrustPolicy before = TrustUpdate.trustOnFirstUse(signedKeyList(device), now());
    TargetStateDocument stateBefore = verifiedState(device);

    // A standby key changes the key list but not the key that signs states.
    expect(world.call("POST", KEYS, "{}", admin), 201);
    TargetStateDocument stateAfter = verifiedState(device);
    VersionedTrustPolicy after = follow(before);

    assertThat(stateBefore.trustPolicyVersion()).isEqualTo(before.version());
    assertThat(stateAfter.trustPolicyVersion()).isEqualTo(after.version());
    assertThat(after.version()).isGreaterThan(before.version());
    assertThatThrownBy(() -> stateAfter.requireTrustPolicyVersion(before.version()))
        .isInstanceOf(VerificationException.class)
        .extracting(e -> ((VerificationException) e).failure())
        .isEqualTo(VerificationFailure.STALE_TRUST_POLICY);
  }

  @Test
  void signedStateOfAnotherDeviceFailsVerification() {
    TestDevice sibling = world.device(fleet.id());
    Envelope envelope = signedState(sibling);

    assertThatThrownBy(
            () ->
                TargetStateDocument.verify(
                    envelope, trustPolicy(device), device.uuid(), null, now()))
        .isInstanceOf(VerificationException.class)
        .extracting(e -> ((VerificationException) e).failure())
        .isEqualTo(VerificationFailure.SUBJECT_MISMATCH);
  }

  @Test
  void unchangedStateAnswersNotModified() {
    HttpResponse<String> first = deviceGet(device, signedPath(device));
    String etag = first.headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> second =
        world
            .http()
            .get(
                signedPath(device),
                "Authorization",
                HttpTestClient.bearer(device.key()),
                "If-None-Match",
                etag);

    assertThat(second.statusCode()).isEqualTo(304);
    assertThat(second.headers().firstValue("ETag")).hasValue(etag);
  }

  @Test
  void newReleaseIsSignedAtOnce() {
    String before = etag(expect(deviceGet(device, signedPath(device)), 200));
    world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer());

    String after = etag(expect(deviceGet(device, signedPath(device)), 200));

    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void changedStateInSameSecondIsIssuedLater() {
    clock.freeze();
    try {
      // The first release makes the server sign a state in the frozen second.
      world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer());
      Envelope before = signedState(device);
      world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer());
      Envelope after = signedState(device);

      assertThat(after).isNotEqualTo(before);
      assertThat(document(after).issuedAt()).isAfter(document(before).issuedAt());
    } finally {
      clock.resume();
    }
  }

  @Test
  void stateIsSignedAgainAfterHalfItsValidity() {
    Envelope first = signedState(device);
    Instant firstIssued = document(first).issuedAt();

    clock.advance(VALIDITY.dividedBy(2).minusSeconds(5));
    Envelope stillCached = signedState(device);
    clock.advance(Duration.ofSeconds(10));
    Instant renewedAt = now();
    Envelope renewed = signedState(device);
    TargetStateDocument renewedDocument =
        TargetStateDocument.verify(renewed, trustPolicy(device), device.uuid(), firstIssued, now());
    clock.advance(VALIDITY);

    assertThat(stillCached).isEqualTo(first);
    assertThat(renewedDocument.issuedAt()).isAfter(firstIssued);
    assertThat(renewedDocument.expiresAt()).isAfter(renewedAt.plus(VALIDITY.dividedBy(2)));
    assertThatThrownBy(
            () ->
                TargetStateDocument.verify(first, trustPolicy(device), device.uuid(), null, now()))
        .isInstanceOf(VerificationException.class)
        .extracting(e -> ((VerificationException) e).failure())
        .isEqualTo(VerificationFailure.EXPIRED);
  }

  @Test
  void signedStateNamesTheSignedRelease() {
    long releaseId = world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer());
    SignedRelease signature = signRelease(releaseId);

    TargetStateDocument document = verifiedState(device);

    assertThat(document.target()).isNotNull();
    assertThat(document.target().releaseId()).isEqualTo(releaseId);
    assertThat(document.target().sequence()).isEqualTo(signature.sequence());
    assertThat(document.target().releaseDigest()).isEqualTo(signature.digest());
    assertThat(document.pin()).isNull();
  }

  @Test
  void unsignedReleaseIsLeftOutUntilSigned() {
    long releaseId = world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer());
    removeSignature(releaseId);
    TargetStateDocument unsigned = verifiedState(device);

    signRelease(releaseId);
    TargetStateDocument signed = verifiedState(device);

    assertThat(unsigned.target()).isNull();
    assertThat(signed.target()).isNotNull();
    assertThat(signed.target().releaseId()).isEqualTo(releaseId);
  }

  @Test
  void devicePinIsSignedIntoTheState() {
    long older = world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer());
    SignedRelease olderSignature = signRelease(older);
    signRelease(world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer()));

    expect(
        world.call(
            "PUT",
            "/api/v1/devices/" + device.uuid() + "/pin",
            "{\"releaseId\":" + older + "}",
            admin),
        200);
    TargetStateDocument document = verifiedState(device);
    PinDocument pin = PinDocument.verify(document.pin(), trustPolicy(device), now());

    assertThat(document.target().releaseId()).isEqualTo(older);
    assertThat(pin.fleet()).isEqualTo(fleet.org() + "/" + fleet.slug());
    assertThat(pin.deviceUuid()).isEqualTo(device.uuid());
    assertThat(pin.releaseSequence()).isEqualTo(olderSignature.sequence());
    assertThat(pin.releaseDigest()).isEqualTo(olderSignature.digest());
    assertThat(pin.pinnedBy()).isEqualTo("admin");
  }

  @Test
  void fleetPinIsSignedForEveryDevice() {
    long older = world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer());
    SignedRelease olderSignature = signRelease(older);
    signRelease(world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer()));

    expect(
        world.call(
            "PUT",
            "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug() + "/target",
            "{\"releaseId\":" + older + "}",
            admin),
        200);
    TargetStateDocument document = verifiedState(device);
    PinDocument pin = PinDocument.verify(document.pin(), trustPolicy(device), now());

    assertThat(document.target().releaseId()).isEqualTo(older);
    assertThat(pin.deviceUuid()).isNull();
    assertThat(pin.releaseSequence()).isEqualTo(olderSignature.sequence());
  }

  @Test
  void trackingLatestDropsTheFleetPin() {
    long older = world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer());
    signRelease(older);
    long latest = world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer());
    signRelease(latest);
    String target = "/api/v1/orgs/" + fleet.org() + "/fleets/" + fleet.slug() + "/target";

    expect(world.call("PUT", target, "{\"releaseId\":" + older + "}", admin), 200);
    expect(world.call("PUT", target, "{\"trackLatest\":true}", admin), 200);
    TargetStateDocument document = verifiedState(device);

    assertThat(document.target().releaseId()).isEqualTo(latest);
    assertThat(document.pin()).isNull();
  }

  @Test
  void pinOfUnsignedReleaseIsStoredUnsigned() {
    long releaseId = world.successfulRelease(fleet.org(), fleet.slug(), fleet.developer());
    removeSignature(releaseId);

    HttpResponse<String> response =
        world.call(
            "PUT",
            "/api/v1/devices/" + device.uuid() + "/pin",
            "{\"releaseId\":" + releaseId + "}",
            admin);
    String envelope =
        world
            .jdbc()
            .sql("SELECT pin_envelope FROM device WHERE id = ?")
            .param(device.id())
            .query(String.class)
            .optional()
            .orElse(null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(envelope).isNull();
  }

  // Helpers.

  /** A release's place in its fleet's signed sequence. */
  private record SignedRelease(long sequence, String digest) {}

  /**
   * Returns the stored signature of release {@code releaseId}, or stores one with the fleet's next
   * sequence and a random digest. The digest names no real release document: the signed state and
   * pins only carry it.
   */
  private SignedRelease signRelease(long releaseId) {
    JdbcClient jdbc = world.jdbc();
    Optional<SignedRelease> existing =
        jdbc.sql(
                "SELECT release_sequence, document_digest FROM release_signatures"
                    + " WHERE release_id = ?")
            .param(releaseId)
            .query((row, number) -> new SignedRelease(row.getLong(1), row.getString(2)))
            .optional();
    if (existing.isPresent()) {
      return existing.get();
    }
    jdbc.sql("UPDATE fleet SET release_sequence = release_sequence + 1 WHERE id = ?")
        .param(fleet.id())
        .update();
    long sequence =
        jdbc.sql("SELECT release_sequence FROM fleet WHERE id = ?")
            .param(fleet.id())
            .query(Long.class)
            .single();
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String digest = "sha256:" + HexFormat.of().formatHex(random);
    jdbc.sql(
            "INSERT INTO release_signatures (release_id, fleet_id, release_sequence, document,"
                + " document_digest, bundle, key_hint, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            releaseId,
            fleet.id(),
            sequence,
            "{}".getBytes(StandardCharsets.UTF_8),
            digest,
            "{}",
            activeKey().get("hint").asString(),
            now().toEpochMilli())
        .update();
    return new SignedRelease(sequence, digest);
  }

  /**
   * Deletes the signature of release {@code releaseId} if it has one, as for a release finished
   * before release signing existed.
   */
  private void removeSignature(long releaseId) {
    world
        .jdbc()
        .sql("DELETE FROM release_signatures WHERE release_id = ?")
        .param(releaseId)
        .update();
  }

  private TargetStateDocument verifiedState(TestDevice caller) {
    return TargetStateDocument.verify(
        signedState(caller), trustPolicy(caller), caller.uuid(), null, now());
  }

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

  private TrustPolicy trustPolicy(TestDevice caller) {
    return TrustPolicies.parse(
        json(deviceGet(caller, "/device/v1/" + caller.uuid() + "/signing-keys")));
  }

  /** Fetches the signed key list and applies it to {@code device}'s keys, as a device does. */
  private VersionedTrustPolicy follow(VersionedTrustPolicy trusted) {
    return TrustUpdate.apply(trusted.policy(), trusted.version(), signedKeyList(device), now());
  }

  private Envelope signedKeyList(TestDevice caller) {
    HttpResponse<String> response =
        expect(deviceGet(caller, "/device/v1/" + caller.uuid() + "/signing-keys/signed"), 200);
    return EnvelopeJson.read(response.body().getBytes(StandardCharsets.UTF_8));
  }

  private Envelope signedState(TestDevice caller) {
    HttpResponse<String> response = expect(deviceGet(caller, signedPath(caller)), 200);
    return EnvelopeJson.read(response.body().getBytes(StandardCharsets.UTF_8));
  }

  private static TargetStateDocument document(Envelope envelope) {
    return TargetStateDocument.parse(envelope.payload());
  }

  private static String etag(HttpResponse<String> response) {
    return response
        .headers()
        .firstValue("ETag")
        .orElseThrow(() -> new AssertionError(response.headers().map() + " " + response.body()));
  }

  private static String signedPath(TestDevice caller) {
    return "/device/v1/" + caller.uuid() + "/state/signed";
  }

  private HttpResponse<String> deviceGet(TestDevice caller, String path) {
    return world.call("GET", path, null, caller.key());
  }

  private Instant now() {
    return clock.instant();
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
