package io.slipway.api.osimage;

import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static io.slipway.api.fleet.ControlPlaneFixture.newUuid;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.osimage.config.DeviceConfig;
import io.slipway.signing.bundle.BundleSigner;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.key.PemKeys;
import io.slipway.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Base OS image uploads, their listing and deletion, and the fleet config.json with its own
 * provisioning key, on a running server. Uploads that the image check must read are covered by
 * {@link OsImageDownloadIT}; here every upload fails before that check or the rows are inserted
 * directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OsImageIT {

  private static final String SSH_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH6OaFu7+OFnKCymmbEzPfklxwGP4quGU97mmnHMXozc";

  /** Returns the database the server runs on; a subclass runs the same tests on another. */
  TestDatabase database() {
    return TestDatabase.h2();
  }

  private Path dataDirectory;
  private ControlPlaneFixture fixture;
  private final LocalSigner imageSigner = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
  private String owner;
  private String developer;
  private String viewer;
  private String outsider;

  @BeforeAll
  void startServer(@TempDir Path dataDirectory) {
    this.dataDirectory = dataDirectory;
    fixture =
        ControlPlaneFixture.start(
            database(),
            dataDirectory,
            "--slipway.os-images.key-expiry=PT1H",
            "--slipway.os-images.max-upload-size=1MB",
            "--slipway.os-images.trusted-keys[0]=" + PemKeys.publicKeyPem(imageSigner.publicKey()));
    fixture.createOrganization("acme");
    fixture.createOrganization("elsewhere");
    fixture.createFleet("acme", "pis", "raspberrypi4-64", false);
    owner = fixture.user("olivia", "acme", Role.OWNER);
    developer = fixture.user("dev", "acme", Role.DEVELOPER);
    viewer = fixture.user("vera", "acme", Role.VIEWER);
    outsider = fixture.user("otto", "elsewhere", Role.OWNER);
    expect(
        fixture.post(
            "/api/v1/user/ssh-keys",
            owner,
            "{\"name\":\"laptop\",\"publicKey\":\"" + SSH_KEY + " owner@laptop\"}"),
        201);
  }

  @AfterAll
  void stopServer() {
    fixture.close();
  }

  @Test
  void uploadWithWrongDigestStoresNothing() throws IOException {
    byte[] content = "not the file the digest names".getBytes(StandardCharsets.UTF_8);

    Response response =
        upload(fixture.adminToken(), "raspberrypi4-64", "6.1.0", sha256("other"), content);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("OS_IMAGE_DIGEST_MISMATCH");
    assertThat(response.body()).contains(sha256(content));
    assertThat(list("?deviceType=raspberrypi4-64").size()).isZero();
    assertThat(storedObjects("tmp")).isZero();
    assertThat(dataDirectory.resolve("blobs/os-images/sha256").resolve(sha256(content)))
        .doesNotExist();
  }

  @Test
  void uploadOverDeclaredLimitIsRejected() throws IOException {
    byte[] content = new byte[1536 * 1024];

    Response response =
        upload(fixture.adminToken(), "raspberrypi4-64", "6.2.0", sha256(content), content);

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.code()).isEqualTo("OS_IMAGE_TOO_LARGE");
    assertThat(storedObjects("tmp")).isZero();
  }

  @Test
  void chunkedUploadOverLimitIsRejected() throws IOException {
    byte[] content = new byte[1536 * 1024];

    Response response =
        OsImageUploads.upload(
            fixture.port(),
            fixture.adminToken(),
            "raspberrypi4-64",
            "6.2.1",
            sha256(content),
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(content)));

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.code()).isEqualTo("OS_IMAGE_TOO_LARGE");
    assertThat(storedObjects("tmp")).isZero();
  }

  @Test
  void uploadOfUnknownDeviceTypeIsRejected() {
    Response response = upload(fixture.adminToken(), "toaster", "1.0", sha256("x"), new byte[] {1});

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("UNKNOWN_DEVICE_TYPE");
  }

  @Test
  void uploadWithInvalidVersionIsRejected() {
    Response response =
        upload(fixture.adminToken(), "raspberrypi4-64", "../etc", sha256("x"), new byte[] {1});

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("INVALID_OS_IMAGE_VERSION");
  }

  @Test
  void uploadWithMalformedDigestIsRejected() {
    Response response =
        upload(fixture.adminToken(), "raspberrypi4-64", "6.1.0", "abc", new byte[] {1});

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("INVALID_PARAMETER");
  }

  @Test
  void uploadByOwnerIsForbidden() {
    byte[] content = {1, 2, 3};

    Response response = upload(owner, "raspberrypi4-64", "6.1.0", sha256(content), content);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.code()).isEqualTo("FORBIDDEN");
  }

  @Test
  void uploadOfOtherFileForStoredVersionConflicts() {
    insertImage("generic-amd64", "2.0.0", sha256("first"));
    byte[] content = "second".getBytes(StandardCharsets.UTF_8);

    Response response =
        upload(fixture.adminToken(), "generic-amd64", "2.0.0", sha256(content), content);

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.code()).isEqualTo("OS_IMAGE_VERSION_TAKEN");
  }

  @Test
  void listShowsImagesOfOneDeviceType() {
    insertImage("generic-aarch64", "1.0.0", sha256("one"));
    insertImage("generic-aarch64", "1.1.0+rev2", sha256("two"));
    insertImage("raspberrypi3", "1.0.0", sha256("three"));

    JsonNode listed = list("?deviceType=generic-aarch64");

    assertThat(listed.size()).isEqualTo(2);
    assertThat(listed.get(0).path("version").asString()).isEqualTo("1.1.0+rev2");
    assertThat(listed.get(0).path("sha256").asString()).isEqualTo(sha256("two"));
    assertThat(listed.get(0).path("format").asString()).isEqualTo("img.zip");
    assertThat(listed.get(0).path("uploadedBy").asString()).isEqualTo("admin");
    assertThat(listed.get(1).path("version").asString()).isEqualTo("1.0.0");
  }

  @Test
  void listOfUnknownDeviceTypeIsRejected() {
    Response response = fixture.get("/api/v1/os-images?deviceType=toaster", viewer);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("UNKNOWN_DEVICE_TYPE");
  }

  @Test
  void deleteRemovesImageAndIsAudited() {
    insertImage("beaglebone-black", "3.0.0", sha256("nuc"));

    Response deleted =
        fixture.delete("/api/v1/os-images/beaglebone-black/3.0.0", fixture.adminToken());
    Response again =
        fixture.delete("/api/v1/os-images/beaglebone-black/3.0.0", fixture.adminToken());

    assertThat(deleted.status()).isEqualTo(204);
    assertThat(list("?deviceType=beaglebone-black").size()).isZero();
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.code()).isEqualTo("OS_IMAGE_NOT_FOUND");
    assertThat(auditActions(fixture.get("/api/v1/audit-log", fixture.adminToken())))
        .contains("os-image.deleted");
  }

  @Test
  void signatureByTrustedKeyIsRecorded() throws IOException {
    byte[] content = "signed image".getBytes(StandardCharsets.UTF_8);
    storeImage("raspberrypi5", "1.0.0", content);
    byte[] bundle = BundleSigner.signFile(imageSigner, content).toJson();

    Response signed = putSignature("raspberrypi5", "1.0.0", bundle);

    assertThat(signed.status()).isEqualTo(200);
    assertThat(signed.json().path("signedBy").asString()).isEqualTo(imageSigner.hint().value());
    assertThat(list("?deviceType=raspberrypi5").get(0).path("signedBy").asString())
        .isEqualTo(imageSigner.hint().value());
    assertThat(auditActions(fixture.get("/api/v1/audit-log", fixture.adminToken())))
        .contains("os-image.signed");
  }

  @Test
  void signatureByUntrustedKeyIsRejected() throws IOException {
    byte[] content = "image signed by a stranger".getBytes(StandardCharsets.UTF_8);
    storeImage("raspberrypi5", "1.1.0", content);
    LocalSigner stranger = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);

    Response rejected =
        putSignature("raspberrypi5", "1.1.0", BundleSigner.signFile(stranger, content).toJson());

    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.code()).isEqualTo("OS_IMAGE_SIGNATURE_INVALID");
    assertThat(rejected.body()).contains("UNKNOWN_KEY");
    assertThat(list("?deviceType=raspberrypi5").get(0).path("signedBy").isNull()).isTrue();
  }

  @Test
  void signatureOverOtherFileIsRejected() throws IOException {
    storeImage("raspberrypi5", "1.2.0", "the stored image".getBytes(StandardCharsets.UTF_8));
    byte[] other = "another image".getBytes(StandardCharsets.UTF_8);

    Response rejected =
        putSignature("raspberrypi5", "1.2.0", BundleSigner.signFile(imageSigner, other).toJson());

    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.code()).isEqualTo("OS_IMAGE_SIGNATURE_INVALID");
    assertThat(rejected.body()).contains("DIGEST_MISMATCH");
  }

  @Test
  void malformedSignatureIsRejected() throws IOException {
    storeImage("raspberrypi5", "1.3.0", "image".getBytes(StandardCharsets.UTF_8));

    Response rejected =
        putSignature(
            "raspberrypi5",
            "1.3.0",
            "{\"mediaType\":\"nothing\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.code()).isEqualTo("OS_IMAGE_SIGNATURE_INVALID");
  }

  @Test
  void osConfigHoldsFleetAndWorkingKey() {
    Response response = fixture.post("/api/v1/orgs/acme/fleets/pis/os-config", owner, null);

    assertThat(response.status()).isEqualTo(201);
    DeviceConfig config = DeviceConfig.parse(response.body().getBytes(StandardCharsets.UTF_8));
    assertThat(config.fleet()).isEqualTo("acme/pis");
    assertThat(config.deviceType()).isEqualTo("raspberrypi4-64");
    assertThat(config.apiEndpoint()).isEqualTo(URI.create("http://127.0.0.1:" + fixture.port()));
    assertThat(config.registryEndpoint()).isEqualTo(config.apiEndpoint());
    assertThat(config.controlEndpoint()).isNull();
    assertThat(config.sshKeys()).isEmpty();
    assertThat(config.trustedKeys()).isNotEmpty();
    assertThat(config.trustedKeys().get(0)).startsWith("-----BEGIN PUBLIC KEY-----");
    String uuid = newUuid();
    assertThat(fixture.register(config.provisioningKey(), uuid, "raspberrypi4-64").status())
        .isEqualTo(201);
  }

  @Test
  void osConfigKeyExpiresPerSetting() {
    long before = System.currentTimeMillis();

    Response response = fixture.post("/api/v1/orgs/acme/fleets/pis/os-config", owner, "{}");

    JsonNode key = provisioningKey(response);
    assertThat(key.path("name").asString()).startsWith("os-image ").contains(" #");
    assertThat(key.path("expiresAt").asLong())
        .isBetween(
            before + Duration.ofHours(1).toMillis() - 1000,
            before + Duration.ofMinutes(61).toMillis());
    assertThat(key.path("maxUses").isNull()).isTrue();
  }

  @Test
  void osConfigKeyHonoursExpiryAndDeviceLimit() {
    long before = System.currentTimeMillis();

    Response response =
        fixture.post(
            "/api/v1/orgs/acme/fleets/pis/os-config",
            owner,
            "{\"keyExpiresIn\":\"PT2H\",\"maxDevices\":1}");

    JsonNode key = provisioningKey(response);
    assertThat(key.path("expiresAt").asLong())
        .isBetween(
            before + Duration.ofHours(2).toMillis() - 1000,
            before + Duration.ofMinutes(121).toMillis());
    assertThat(key.path("maxUses").asLong()).isEqualTo(1);
    String provisioningKey = parse(response).provisioningKey();
    expect(fixture.register(provisioningKey, newUuid(), "raspberrypi4-64"), 201);
    Response second = fixture.register(provisioningKey, newUuid(), "raspberrypi4-64");
    assertThat(second.status()).isEqualTo(403);
    assertThat(second.code()).isEqualTo("PROVISIONING_KEY_USED_UP");
  }

  @Test
  void osConfigGivesEachCallItsOwnKey() {
    Response first = fixture.post("/api/v1/orgs/acme/fleets/pis/os-config", owner, "{}");
    Response second = fixture.post("/api/v1/orgs/acme/fleets/pis/os-config", owner, "{}");

    JsonNode listed = keys();
    String firstName = listed.get(listed.size() - 2).path("name").asString();
    String secondName = listed.get(listed.size() - 1).path("name").asString();
    assertThat(parse(first).provisioningKey()).isNotEqualTo(parse(second).provisioningKey());
    assertThat(firstName).startsWith("os-image ");
    assertThat(secondName).startsWith("os-image ").isNotEqualTo(firstName);
  }

  @Test
  void osConfigWritesOptionsAndCallerSshKeys() {
    Response response =
        fixture.post(
            "/api/v1/orgs/acme/fleets/pis/os-config",
            owner,
            "{\"sshKeys\":true,\"developmentMode\":true,\"persistentLogging\":true,"
                + "\"pollIntervalSeconds\":120,\"network\":{\"hostname\":\"kiosk\","
                + "\"wifi\":{\"ssid\":\"shop\",\"psk\":\"correct horse\"},"
                + "\"dnsServers\":[\"192.0.2.53\"]}}");

    DeviceConfig config = parse(response);
    assertThat(config.sshKeys()).containsExactly(SSH_KEY);
    assertThat(config.developmentMode()).isTrue();
    assertThat(config.persistentLogging()).isTrue();
    assertThat(config.pollIntervalSeconds()).isEqualTo(120);
    assertThat(config.network().hostname()).isEqualTo("kiosk");
    assertThat(config.network().wifi().ssid()).isEqualTo("shop");
    assertThat(config.network().dnsServers()).containsExactly("192.0.2.53");
  }

  @Test
  void osConfigIsAuditedWithoutSecret() {
    Response response = fixture.post("/api/v1/orgs/acme/fleets/pis/os-config", owner, "{}");
    String secret = parse(response).provisioningKey();

    Response log = fixture.get("/api/v1/orgs/acme/audit-log", owner);

    assertThat(auditActions(log)).contains("os-image.config-created");
    assertThat(log.body()).doesNotContain(secret);
  }

  @Test
  void invalidOsConfigOptionsCreateNoKey() {
    int keysBefore = keys().size();

    Response badExpiry =
        fixture.post(
            "/api/v1/orgs/acme/fleets/pis/os-config", owner, "{\"keyExpiresIn\":\"30 days\"}");
    Response badWifi =
        fixture.post(
            "/api/v1/orgs/acme/fleets/pis/os-config",
            owner,
            "{\"network\":{\"wifi\":{\"ssid\":\"shop\",\"psk\":\"short\"}}}");
    Response badPoll =
        fixture.post(
            "/api/v1/orgs/acme/fleets/pis/os-config", owner, "{\"pollIntervalSeconds\":1}");

    assertThat(badExpiry.code()).isEqualTo("INVALID_OS_CONFIG");
    assertThat(badWifi.code()).isEqualTo("INVALID_OS_CONFIG");
    assertThat(badWifi.body()).doesNotContain("short");
    assertThat(badPoll.code()).isEqualTo("INVALID_OS_CONFIG");
    assertThat(keys().size()).isEqualTo(keysBefore);
  }

  @Test
  void osConfigNeedsProvisioningKeyPermission() {
    Response byDeveloper = fixture.post("/api/v1/orgs/acme/fleets/pis/os-config", developer, "{}");
    Response byViewer = fixture.post("/api/v1/orgs/acme/fleets/pis/os-config", viewer, "{}");
    Response byOutsider = fixture.post("/api/v1/orgs/acme/fleets/pis/os-config", outsider, "{}");

    assertThat(byDeveloper.status()).isEqualTo(403);
    assertThat(byViewer.status()).isEqualTo(403);
    assertThat(byOutsider.status()).isEqualTo(404);
    assertThat(byOutsider.code()).isEqualTo("FLEET_NOT_FOUND");
  }

  @Test
  void downloadWithoutStoredImageIsNotFound() {
    int keysBefore = keys().size();

    Response response = fixture.get("/api/v1/orgs/acme/fleets/pis/os-image", owner);

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.code()).isEqualTo("OS_IMAGE_NOT_FOUND");
    assertThat(keys().size()).isEqualTo(keysBefore);
  }

  @Test
  void downloadInUnknownFormatIsRejected() {
    Response response = fixture.get("/api/v1/orgs/acme/fleets/pis/os-image?format=iso", owner);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("INVALID_PARAMETER");
  }

  @Test
  void downloadWithWifiParametersIsRejectedWithoutKey() {
    int keysBefore = keys().size();

    Response response =
        fixture.get("/api/v1/orgs/acme/fleets/pis/os-image?wifiSsid=shop&wifiPsk=12345678", owner);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("INVALID_PARAMETER");
    assertThat(response.body()).contains("'wifi");
    assertThat(response.body()).contains("Wi-Fi cannot be set on a download");
    assertThat(response.body()).contains("os-config");
    assertThat(response.body()).contains("slipway os configure --config");
    assertThat(response.body()).doesNotContain("12345678");
    assertThat(keys().size()).isEqualTo(keysBefore);
  }

  @Test
  void downloadWithUnknownParameterIsRejectedWithoutKey() {
    int keysBefore = keys().size();

    Response response = fixture.get("/api/v1/orgs/acme/fleets/pis/os-image?sshKey=true", owner);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("INVALID_PARAMETER");
    assertThat(response.body()).contains("'sshKey'");
    assertThat(keys().size()).isEqualTo(keysBefore);
  }

  @Test
  void keyExpiryBeyondTenYearsIsRejected() {
    int keysBefore = keys().size();

    Response config =
        fixture.post(
            "/api/v1/orgs/acme/fleets/pis/os-config", owner, "{\"keyExpiresIn\":\"P9999999D\"}");
    Response download =
        fixture.get("/api/v1/orgs/acme/fleets/pis/os-image?keyExpiresIn=P3651D", owner);

    assertThat(config.status()).isEqualTo(400);
    assertThat(config.code()).isEqualTo("INVALID_OS_CONFIG");
    assertThat(config.body()).contains("P9999999D").contains("P3650D");
    assertThat(download.code()).isEqualTo("INVALID_OS_CONFIG");
    assertThat(keys().size()).isEqualTo(keysBefore);
  }

  @Test
  void downloadNeedsProvisioningKeyPermission() {
    Response byDeveloper = fixture.get("/api/v1/orgs/acme/fleets/pis/os-image", developer);
    Response byViewer = fixture.get("/api/v1/orgs/acme/fleets/pis/os-image", viewer);

    assertThat(byDeveloper.status()).isEqualTo(403);
    assertThat(byViewer.status()).isEqualTo(403);
  }

  private Response upload(
      String token, String deviceType, String version, String sha256, byte[] content) {
    return OsImageUploads.upload(
        fixture.port(),
        token,
        deviceType,
        version,
        sha256,
        HttpRequest.BodyPublishers.ofByteArray(content));
  }

  private JsonNode list(String query) {
    return expect(fixture.get("/api/v1/os-images" + query, viewer), 200).json();
  }

  private JsonNode keys() {
    return expect(fixture.get("/api/v1/orgs/acme/fleets/pis/provisioning-keys", owner), 200).json();
  }

  /**
   * Returns the provisioning key that the config in {@code response} was made with: the newest key
   * of the fleet, because keys are listed oldest first and the tests of this class run one at a
   * time.
   */
  private JsonNode provisioningKey(Response response) {
    expect(response, 201);
    JsonNode listed = keys();
    return listed.get(listed.size() - 1);
  }

  private static DeviceConfig parse(Response response) {
    expect(response, 201);
    return DeviceConfig.parse(response.body().getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> auditActions(Response log) {
    expect(log, 200);
    List<String> actions = new ArrayList<>();
    log.json().forEach(entry -> actions.add(entry.path("action").asString()));
    return actions;
  }

  private void insertImage(String deviceType, String version, String sha256) {
    fixture
        .jdbc()
        .sql(
            "INSERT INTO os_image (device_type, version, sha256, size, raw_size, format,"
                + " uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            deviceType, version, sha256, 100, 1000, "img.zip", "admin", System.currentTimeMillis())
        .update();
  }

  private Response putSignature(String deviceType, String version, byte[] bundle) {
    return fixture.put(
        "/api/v1/os-images/" + deviceType + "/" + version + "/signature",
        fixture.adminToken(),
        new String(bundle, StandardCharsets.UTF_8));
  }

  /**
   * Stores {@code content} as an image the way an upload leaves it: its row, and its blob in the
   * filesystem blob store under {@code os-images/sha256/HEX}.
   */
  private void storeImage(String deviceType, String version, byte[] content) throws IOException {
    String digest = sha256(content);
    Path blob = dataDirectory.resolve("blobs/os-images/sha256").resolve(digest);
    Files.createDirectories(blob.getParent());
    Files.write(blob, content);
    insertImage(deviceType, version, digest);
  }

  /** Counts the objects under {@code os-images/FOLDER} of the filesystem blob store. */
  private long storedObjects(String folder) throws IOException {
    Path root = dataDirectory.resolve("blobs").resolve("os-images").resolve(folder);
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(Files::isRegularFile).count();
    }
  }

  private static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(byte[] content) {
    return OsImageUploads.sha256(content);
  }
}
