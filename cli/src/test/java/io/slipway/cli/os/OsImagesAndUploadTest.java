package io.slipway.cli.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.CliRun;
import io.slipway.cli.StubServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway os images} and {@code os upload} against a stub server that records requests. */
class OsImagesAndUploadTest {

  private static final String IMAGE =
      "{\"deviceType\":\"raspberrypi4-64\",\"version\":\"6.1.0\",\"size\":1073741824,"
          + "\"rawSize\":4294967296,\"format\":\"img.xz\",\"sha256\":\"ab12\","
          + "\"uploadedAt\":1764583200000}";

  private static final String ADMIN = "{\"username\":\"admin\",\"serverAdmin\":true}";

  private static final String DEVICE_TYPES =
      "[{\"slug\":\"raspberrypi4-64\",\"name\":\"Raspberry Pi 4\"},"
          + "{\"slug\":\"generic-amd64\",\"name\":\"Generic x86-64\"}]";

  @TempDir Path home;
  @TempDir Path work;

  private CliRun cli(StubServer server) {
    return new CliRun(home)
        .variable("SLIPWAY_SERVER", server.url())
        .variable("SLIPWAY_TOKEN", "slt_t");
  }

  @Test
  void imagesListsOneRowPerImage() throws IOException {
    try (StubServer server = new StubServer(200, "[" + IMAGE + "]")) {
      CliRun.Result result = cli(server).run("os", "images", "--device-type", "raspberrypi4-64");

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.out())
          .contains("DEVICE TYPE")
          .contains("raspberrypi4-64")
          .contains("6.1.0")
          .contains("1.0 GiB")
          .contains("4.0 GiB")
          .contains("2025-12-01T10:00:00Z");
      assertThat(server.requests().get(0).uri())
          .isEqualTo("/api/v1/os-images?deviceType=raspberrypi4-64");
    }
  }

  @Test
  void uploadSendsTheFileWithItsSha256() throws IOException, NoSuchAlgorithmException {
    String content = "base image bytes\n".repeat(1000);
    Path file = Files.writeString(work.resolve("rpi4.img.xz"), content);
    String sha256 =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(content.getBytes(StandardCharsets.UTF_8)));
    try (StubServer server = uploadServer("[]")) {
      CliRun.Result result = upload(server, file, "6.1.0");

      assertThat(result.exitCode()).as(result.err()).isZero();
      StubServer.Request request = server.requests().get(3);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.uri())
          .isEqualTo("/api/v1/os-images?deviceType=raspberrypi4-64&version=6.1.0&sha256=" + sha256);
      assertThat(request.body()).isEqualTo(content);
      assertThat(result.out()).contains("Uploaded " + file).contains(sha256);
    }
  }

  @Test
  void uploadWithInvalidVersionContactsNoServer() throws IOException {
    Path file = Files.writeString(work.resolve("rpi4.img"), "base image bytes\n");
    try (StubServer server = uploadServer("[]")) {
      CliRun.Result result = upload(server, file, "6.1 rev2");

      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.err()).contains("Invalid --version '6.1 rev2'");
      assertThat(result.err()).contains("such as 6.1.24+rev1");
      assertThat(server.requests()).isEmpty();
    }
  }

  @Test
  void uploadForUnknownDeviceTypeSendsNoFile() throws IOException {
    Path file = Files.writeString(work.resolve("rpi4.img"), "base image bytes\n");
    try (StubServer server = uploadServer("[]")) {
      CliRun.Result result =
          cli(server)
              .run("os", "upload", file.toString(), "--device-type", "toaster", "--version", "1.0");

      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.err()).contains("Unknown --device-type 'toaster'");
      assertThat(result.err()).contains("raspberrypi4-64");
      assertThat(server.requests()).noneMatch(request -> request.method().equals("POST"));
    }
  }

  @Test
  void uploadOfStoredFileSendsNothing() throws IOException, NoSuchAlgorithmException {
    String content = "base image bytes\n";
    Path file = Files.writeString(work.resolve("rpi4.img"), content);
    String stored = storedImage("6.1.0", sha256(content));
    try (StubServer server = uploadServer("[" + stored + "]")) {
      CliRun.Result result = upload(server, file, "6.1.0");

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.out()).contains(file + " is already stored as raspberrypi4-64 6.1.0");
      assertThat(server.requests()).noneMatch(request -> request.method().equals("POST"));
    }
  }

  @Test
  void uploadOverOtherStoredFileFails() throws IOException, NoSuchAlgorithmException {
    Path file = Files.writeString(work.resolve("rpi4.img"), "base image bytes\n");
    String otherSha256 = sha256("another image\n");
    try (StubServer server = uploadServer("[" + storedImage("6.1.0", otherSha256) + "]")) {
      CliRun.Result result = upload(server, file, "6.1.0");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).contains("already stored with SHA-256 " + otherSha256);
      assertThat(result.err()).contains("has SHA-256 " + sha256("base image bytes\n"));
      assertThat(server.requests()).noneMatch(request -> request.method().equals("POST"));
    }
  }

  @Test
  void uploadOfOtherVersionIgnoresStoredOne() throws IOException, NoSuchAlgorithmException {
    Path file = Files.writeString(work.resolve("rpi4.img"), "base image bytes\n");
    try (StubServer server =
        uploadServer("[" + storedImage("6.0.0", sha256("another image\n")) + "]")) {
      CliRun.Result result = upload(server, file, "6.1.0");

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(server.requests()).anyMatch(request -> request.method().equals("POST"));
    }
  }

  /**
   * Returns a stub of the endpoints an upload calls: an administrator, the device types, {@code
   * images} as the stored images, and 201 for the upload.
   */
  private static StubServer uploadServer(String images) throws IOException {
    return new StubServer(201, IMAGE)
        .route("/api/v1/user", 200, ADMIN)
        .route("/api/v1/device-types", 200, DEVICE_TYPES)
        .route("GET", "/api/v1/os-images", 200, images);
  }

  private CliRun.Result upload(StubServer server, Path file, String version) {
    return cli(server)
        .run(
            "os",
            "upload",
            file.toString(),
            "--device-type",
            "raspberrypi4-64",
            "--version",
            version);
  }

  private static String storedImage(String version, String sha256) {
    return "{\"deviceType\":\"raspberrypi4-64\",\"version\":\""
        + version
        + "\",\"sha256\":\""
        + sha256
        + "\",\"size\":17,\"format\":\"img\"}";
  }

  private static String sha256(String content) throws NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void uploadByNonAdministratorSendsNoFile() throws IOException {
    Path file = Files.writeString(work.resolve("rpi4.img"), "base image bytes\n");
    try (StubServer server =
        new StubServer(201, IMAGE)
            .route("/api/v1/user", 200, "{\"username\":\"dev\",\"serverAdmin\":false}")) {
      CliRun.Result result =
          cli(server)
              .run(
                  "os",
                  "upload",
                  file.toString(),
                  "--device-type",
                  "raspberrypi4-64",
                  "--version",
                  "6.1.0");

      assertThat(result.exitCode()).isEqualTo(3);
      assertThat(result.err()).contains("user 'dev' is none");
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void uploadOfMissingFileIsAUsageError() throws IOException {
    try (StubServer server = new StubServer(201, IMAGE)) {
      CliRun.Result result =
          cli(server)
              .run(
                  "os",
                  "upload",
                  work.resolve("absent.img").toString(),
                  "--device-type",
                  "x",
                  "--version",
                  "1");

      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(server.requests()).isEmpty();
    }
  }
}
