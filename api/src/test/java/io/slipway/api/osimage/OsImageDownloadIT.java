package io.slipway.api.osimage;

import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static io.slipway.api.fleet.ControlPlaneFixture.newUuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.access.Role;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.osimage.config.DeviceConfig;
import io.slipway.osimage.image.ImageFormat;
import io.slipway.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Uploads of real disk images and downloads of the fleet's configured image, on a running server.
 * The images are made with sfdisk and mkfs.vfat, packed with zip, gzip, xz and zstd, and the
 * downloaded images are unpacked with the same tools and read with mtype, none of which Slipway
 * wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OsImageDownloadIT {

  private static final String VERSION = "6.1.24+rev1";
  private static final String SSH_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH6OaFu7+OFnKCymmbEzPfklxwGP4quGU97mmnHMXozc";

  private final HttpClient client = HttpClient.newHttpClient();
  private Path dataDirectory;
  private Path work;
  private Path raw;
  private ControlPlaneFixture fixture;
  private String owner;

  @BeforeAll
  void start(@TempDir Path dataDirectory, @TempDir Path work) throws IOException {
    this.dataDirectory = dataDirectory;
    this.work = work;
    raw = BaseImages.raw(work, "base", "resin-boot");
    fixture = ControlPlaneFixture.start(TestDatabase.h2(), dataDirectory);
    fixture.createOrganization("acme");
    fixture.createFleet("acme", "pis", "raspberrypi4-64", false);
    owner = fixture.user("olivia", "acme", Role.OWNER);
    expect(
        fixture.post(
            "/api/v1/user/ssh-keys",
            owner,
            "{\"name\":\"laptop\",\"publicKey\":\"" + SSH_KEY + " owner@laptop\"}"),
        201);
    expect(upload("raspberrypi4-64", VERSION, BaseImages.pack(raw, ImageFormat.IMG_ZST)), 201);
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  @Test
  void uploadIsListedWithItsFacts() throws IOException {
    Path packed = BaseImages.pack(raw, ImageFormat.IMG_ZST);

    JsonNode listed = list("raspberrypi4-64").get(0);

    assertThat(listed.path("version").asString()).isEqualTo(VERSION);
    assertThat(listed.path("sha256").asString()).isEqualTo(sha256(packed));
    assertThat(listed.path("size").asLong()).isEqualTo(Files.size(packed));
    assertThat(listed.path("rawSize").asLong()).isEqualTo(BaseImages.SIZE);
    assertThat(listed.path("format").asString()).isEqualTo("img.zst");
    assertThat(listed.path("bootLabel").asString()).isEqualTo("resin-boot");
    assertThat(listed.path("uploadedBy").asString()).isEqualTo("admin");
  }

  @Test
  void sameUploadAgainChangesNothing() throws IOException {
    Response again = upload("raspberrypi4-64", VERSION, BaseImages.pack(raw, ImageFormat.IMG_ZST));

    assertThat(again.status()).isEqualTo(200);
    assertThat(list("raspberrypi4-64").size()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(ImageFormat.class)
  void uploadOfEachPackingIsAccepted(ImageFormat format) throws IOException {
    String version = "packed-" + format.name().toLowerCase();

    Response response = upload("generic-aarch64", version, BaseImages.pack(raw, format));

    assertThat(response.status()).isEqualTo(201);
    assertThat(response.json().path("format").asString()).isEqualTo(format.extension());
    assertThat(response.json().path("rawSize").asLong()).isEqualTo(BaseImages.SIZE);
  }

  @Test
  void nonImageIsRejectedAndNothingStored() throws IOException {
    Path file = work.resolve("notes.img");
    Files.writeString(file, "these are notes, not a disk image\n".repeat(100));

    Response response = upload("raspberrypi3", "1.0", file);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("OS_IMAGE_NOT_A_DISK_IMAGE");
    assertThat(list("raspberrypi3").size()).isZero();
    assertThat(blob(sha256(file))).doesNotExist();
    assertThat(uploadsInProgress()).isZero();
  }

  @Test
  void rejectedUploadNamesItsVersion() throws IOException {
    Path notes = Files.writeString(work.resolve("notes-2.img"), "not a disk image\n".repeat(100));
    Path brokenXz = work.resolve("broken.img.xz");
    byte[] xzMagic = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    Files.write(brokenXz, xzMagic);

    Response raw = upload("raspberrypi3", "1.2", notes);
    Response xz = upload("raspberrypi3", "1.3", brokenXz);

    assertThat(raw.code()).isEqualTo("OS_IMAGE_NOT_A_DISK_IMAGE");
    assertThat(raw.body()).contains("raspberrypi3 1.2 rejected: Not a disk image");
    assertThat(raw.body()).doesNotContain("os-images/tmp").doesNotContain(dataDirectory.toString());
    assertThat(xz.code()).isEqualTo("OS_IMAGE_CORRUPT_ARCHIVE");
    assertThat(xz.body()).contains("raspberrypi3 1.3");
    assertThat(xz.body()).doesNotContain("os-images/tmp").doesNotContain(dataDirectory.toString());
  }

  @Test
  void imageWithoutBootPartitionIsRejected() throws IOException {
    Path other = BaseImages.raw(work, "unlabelled", "DATA");

    Response response = upload("raspberrypi3", "1.1", other);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("OS_IMAGE_NO_BOOT_PARTITION");
    assertThat(blob(sha256(other))).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(ImageFormat.class)
  void downloadInEachFormatCarriesConfig(ImageFormat format) throws IOException {
    HttpResponse<Path> response =
        download("?version=" + VERSION.replace("+", "%2B") + "&format=" + format.extension());

    assertThat(response.statusCode()).isEqualTo(200);
    String fileName = "pis-" + VERSION + "." + format.extension();
    assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
        .contains("attachment")
        .contains(fileName);
    Path image = BaseImages.unpack(response.body(), format, "pis-" + VERSION + ".img");
    assertThat(Files.size(image)).isEqualTo(BaseImages.SIZE);
    DeviceConfig config = bootConfig(image);
    assertThat(config.fleet()).isEqualTo("acme/pis");
    assertThat(config.deviceType()).isEqualTo("raspberrypi4-64");
    assertThat(fixture.register(config.provisioningKey(), newUuid(), "raspberrypi4-64").status())
        .isEqualTo(201);
  }

  @Test
  void rawDownloadStatesItsLength() throws IOException {
    HttpResponse<Path> response = download("?format=img");

    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .isEqualTo("application/octet-stream");
    assertThat(response.headers().firstValueAsLong("Content-Length").orElseThrow())
        .isEqualTo(BaseImages.SIZE);
    assertThat(Files.size(response.body())).isEqualTo(BaseImages.SIZE);
  }

  @Test
  void downloadLeavesOtherPartitionsAlone() throws IOException {
    Path image = download("?format=img").body();

    assertThat(slice(image, 0, 512)).isEqualTo(slice(raw, 0, 512));
    assertThat(slice(image, BaseImages.DATA_OFFSET, BaseImages.DATA_SIZE))
        .isEqualTo(slice(raw, BaseImages.DATA_OFFSET, BaseImages.DATA_SIZE));
  }

  @Test
  void defaultDownloadIsZipOfNewest() throws IOException {
    HttpResponse<Path> response = download("");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .isEqualTo("application/zip");
    assertThat(BaseImages.zipEntries(response.body()))
        .contains("pis-" + VERSION + ".img", "pis-" + VERSION + ".img.bmap");
  }

  @Test
  void downloadWritesRequestedOptions() throws IOException {
    HttpResponse<Path> response =
        download(
            "?format=img&sshKeys=true&developmentMode=true&hostname=kiosk"
                + "&dnsServers=192.0.2.53&maxDevices=1&keyExpiresIn=PT2H");

    DeviceConfig config = bootConfig(response.body());
    assertThat(config.sshKeys()).containsExactly(SSH_KEY);
    assertThat(config.developmentMode()).isTrue();
    assertThat(config.network().hostname()).isEqualTo("kiosk");
    assertThat(config.network().dnsServers()).containsExactly("192.0.2.53");
    expect(fixture.register(config.provisioningKey(), newUuid(), "raspberrypi4-64"), 201);
    assertThat(fixture.register(config.provisioningKey(), newUuid(), "raspberrypi4-64").code())
        .isEqualTo("PROVISIONING_KEY_USED_UP");
  }

  @Test
  void downloadIsAuditedWithItsKey() throws IOException {
    HttpResponse<Path> response = download("?format=img");
    String keyId = response.headers().firstValue(OsConfigController.KEY_HEADER).orElseThrow();

    Response log = expect(fixture.get("/api/v1/orgs/acme/audit-log", owner), 200);

    JsonNode entry = null;
    for (JsonNode candidate : log.json()) {
      if (candidate.path("action").asString().equals("os-image.downloaded")
          && candidate.path("details").path("provisioningKeyId").asString().equals(keyId)) {
        entry = candidate;
      }
    }
    assertThat(entry).isNotNull();
    assertThat(entry.path("details").path("format").asString()).isEqualTo("img");
    assertThat(entry.path("details").path("version").asString()).isEqualTo(VERSION);
    assertThat(log.body()).doesNotContain(bootConfig(response.body()).provisioningKey());
  }

  @Test
  void downloadOfUnknownVersionIsNotFound() {
    Response response = fixture.get("/api/v1/orgs/acme/fleets/pis/os-image?version=9.9", owner);

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.code()).isEqualTo("OS_IMAGE_NOT_FOUND");
  }

  @Test
  void damagedStoredImageAbortsStream() throws IOException {
    fixture.createFleet("acme", "damaged", "raspberrypi5", false);
    Path packed =
        BaseImages.pack(BaseImages.raw(work, "damaged", "resin-boot"), ImageFormat.IMG_ZST);
    expect(upload("raspberrypi5", "1.0", packed), 201);
    Path stored = blob(sha256(packed));
    // Cut the stored file inside the random bytes of the second partition, past the boot partition
    // that the server reads before it starts sending.
    try (FileChannel channel = FileChannel.open(stored, StandardOpenOption.WRITE)) {
      channel.truncate(Files.size(stored) / 2);
    }

    assertThatThrownBy(() -> send("/api/v1/orgs/acme/fleets/damaged/os-image?format=img.zip"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void brokenDownloadRevokesItsKey() throws IOException {
    fixture.createFleet("acme", "cut", "raspberrypi5", false);
    Path packed = BaseImages.pack(BaseImages.raw(work, "cut", "resin-boot"), ImageFormat.IMG_ZST);
    expect(upload("raspberrypi5", "2.0", packed), 201);
    try (FileChannel channel = FileChannel.open(blob(sha256(packed)), StandardOpenOption.WRITE)) {
      channel.truncate(Files.size(blob(sha256(packed))) / 2);
    }

    assertThatThrownBy(() -> send("/api/v1/orgs/acme/fleets/cut/os-image?format=img"))
        .isInstanceOf(IOException.class);

    JsonNode keys =
        expect(fixture.get("/api/v1/orgs/acme/fleets/cut/provisioning-keys", owner), 200).json();
    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).path("revokedAt").isNumber()).isTrue();
  }

  private Response upload(String deviceType, String version, Path file) throws IOException {
    return OsImageUploads.upload(
        fixture.port(),
        fixture.adminToken(),
        deviceType,
        version,
        sha256(file),
        HttpRequest.BodyPublishers.ofFile(file));
  }

  private HttpResponse<Path> download(String query) throws IOException {
    HttpResponse<Path> response = send("/api/v1/orgs/acme/fleets/pis/os-image" + query);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "Download failed with "
              + response.statusCode()
              + ": "
              + Files.readString(response.body()));
    }
    return response;
  }

  private HttpResponse<Path> send(String path) throws IOException {
    Path target = Files.createTempFile(work, "download-", ".bin");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Authorization", "Bearer " + owner)
            .timeout(Duration.ofMinutes(2))
            .build();
    try {
      return client.send(
          request,
          HttpResponse.BodyHandlers.ofFile(
              target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while downloading", e);
    }
  }

  private JsonNode list(String deviceType) {
    return expect(fixture.get("/api/v1/os-images?deviceType=" + deviceType, owner), 200).json();
  }

  private static DeviceConfig bootConfig(Path image) throws IOException {
    String json = BaseImages.bootFile(image, "config.json");
    return DeviceConfig.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private Path blob(String sha256) {
    return dataDirectory.resolve("blobs/os-images/sha256").resolve(sha256);
  }

  private long uploadsInProgress() throws IOException {
    Path uploads = dataDirectory.resolve("blobs/os-images/tmp");
    if (!Files.exists(uploads)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(uploads)) {
      return files.count();
    }
  }

  private String base() {
    return "http://127.0.0.1:" + fixture.port();
  }

  private static byte[] slice(Path file, long offset, int length) throws IOException {
    try (FileChannel channel = FileChannel.open(file)) {
      ByteBuffer buffer = ByteBuffer.allocate(length);
      channel.read(buffer, offset);
      return buffer.array();
    }
  }

  private static String sha256(Path file) throws IOException {
    return OsImageUploads.sha256(file);
  }
}
