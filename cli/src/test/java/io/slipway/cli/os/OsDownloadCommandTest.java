package io.slipway.cli.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.CliRun;
import io.slipway.cli.StubServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code slipway os download} against small loopback servers that send bytes or errors. */
class OsDownloadCommandTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path home;
  @TempDir Path work;

  private CliRun cli(String url) {
    return new CliRun(home).variable("SLIPWAY_SERVER", url).variable("SLIPWAY_TOKEN", "slt_t");
  }

  private static byte[] image() {
    byte[] bytes = new byte[3 << 20];
    new Random(8).nextBytes(bytes);
    return bytes;
  }

  private Stream<String> files() throws IOException {
    return Files.list(work).map(file -> file.getFileName().toString());
  }

  @Test
  void downloadSavesTheImageAndItsSha256() throws IOException, NoSuchAlgorithmException {
    byte[] image = image();
    Path output = work.resolve("sensors.img.zip");
    try (ImageServer server = new ImageServer(image, image.length)) {
      CliRun.Result result =
          cli(server.url())
              .run(
                  "os",
                  "download",
                  "--fleet",
                  "acme/sensors",
                  "--version",
                  "6.1.0",
                  "-o",
                  output.toString(),
                  "--json");

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(Files.readAllBytes(output)).isEqualTo(image);
      JsonNode document = JSON.readTree(result.out());
      String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
      assertThat(document.path("sha256").asString()).isEqualTo(sha256);
      assertThat(document.path("size").asLong()).isEqualTo(image.length);
      assertThat(server.uris())
          .containsExactly(
              "/api/v1/orgs/acme/fleets/sensors/os-image?format=img.zip&version=6.1.0");
    }
  }

  @Test
  void configOptionsTravelAsQueryParameters() throws IOException {
    byte[] image = image();
    try (ImageServer server = new ImageServer(image, image.length)) {
      CliRun.Result result =
          cli(server.url())
              .run(
                  "os",
                  "download",
                  "--fleet",
                  "acme/sensors",
                  "--format",
                  "img.xz",
                  "-o",
                  work.resolve("a.img.xz").toString(),
                  "--ssh-keys",
                  "--key-expires-in",
                  "1d",
                  "--max-devices",
                  "20",
                  "--hostname",
                  "gate-3",
                  "--quiet");

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(server.uris())
          .containsExactly(
              "/api/v1/orgs/acme/fleets/sensors/os-image?format=img.xz&sshKeys=true"
                  + "&keyExpiresIn=PT24H&maxDevices=20&hostname=gate-3");
      assertThat(result.err()).isEmpty();
    }
  }

  @Test
  void plainProgressLinesWithoutTerminal() throws IOException {
    byte[] image = image();
    try (ImageServer server = new ImageServer(image, image.length)) {
      CliRun.Result result =
          cli(server.url())
              .run(
                  "os",
                  "download",
                  "--fleet",
                  "acme/sensors",
                  "-o",
                  work.resolve("a.img.zip").toString());

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.err()).contains("Downloading: 100% 3.0 MiB / 3.0 MiB");
      assertThat(result.out()).contains("Downloaded ").contains("3145728 bytes");
    }
  }

  @Test
  void truncatedDownloadLeavesNoFile() throws IOException {
    byte[] image = image();
    try (ImageServer server = new ImageServer(image, 1 << 20)) {
      CliRun.Result result =
          cli(server.url())
              .run(
                  "os",
                  "download",
                  "--fleet",
                  "acme/sensors",
                  "-o",
                  work.resolve("a.img.zip").toString());

      assertThat(result.exitCode()).isNotZero();
      assertThat(result.err()).contains("try again");
      assertThat(files()).isEmpty();
    }
  }

  @Test
  void rejectedRequestLeavesNoFile() throws IOException {
    try (StubServer server =
        new StubServer(
            404, "{\"code\":\"OS_IMAGE_NOT_FOUND\",\"message\":\"No base image 6.1.0\"}")) {
      CliRun.Result result =
          cli(server.url())
              .run(
                  "os",
                  "download",
                  "--fleet",
                  "acme/sensors",
                  "--version",
                  "6.1.0",
                  "-o",
                  work.resolve("a.img.zip").toString());

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).contains("OS_IMAGE_NOT_FOUND").contains("No base image 6.1.0");
      assertThat(files()).isEmpty();
    }
  }

  @Test
  void existingOutputWithoutForceIsAUsageError() throws IOException {
    Path existing = Files.writeString(work.resolve("a.img.zip"), "keep me");

    CliRun.Result result =
        cli("http://127.0.0.1:1")
            .run("os", "download", "--fleet", "acme/sensors", "-o", existing.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(existing).hasContent("keep me");
  }

  @Test
  void wifiIsAUsageError() throws IOException {
    CliRun.Result result =
        cli("http://127.0.0.1:1")
            .run(
                "os",
                "download",
                "--fleet",
                "acme/sensors",
                "--wifi-ssid",
                "plant-floor",
                "--wifi-psk-file",
                "-");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("would send the passphrase in the URL");
  }
}
