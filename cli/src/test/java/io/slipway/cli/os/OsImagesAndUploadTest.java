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
    try (StubServer server = new StubServer(201, IMAGE).route("/api/v1/user", 200, ADMIN)) {
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

      assertThat(result.exitCode()).as(result.err()).isZero();
      StubServer.Request request = server.requests().get(1);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.uri())
          .isEqualTo("/api/v1/os-images?deviceType=raspberrypi4-64&version=6.1.0&sha256=" + sha256);
      assertThat(request.body()).isEqualTo(content);
      assertThat(result.out()).contains("Uploaded " + file).contains(sha256);
    }
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
