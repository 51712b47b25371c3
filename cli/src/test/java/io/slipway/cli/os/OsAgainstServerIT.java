package io.slipway.cli.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.CliRun;
import io.slipway.cli.it.TestServer;
import io.slipway.osimage.config.DeviceConfig;
import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code slipway os} commands run in-process against a real server on a free loopback port: the
 * administrator uploads a base image built with sfdisk and mkfs.vfat, and the fleet's owner
 * configures and downloads images with fresh provisioning keys, read back with mtools.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OsAgainstServerIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String DEVICE_TYPE = "generic-amd64";

  @TempDir static Path dataDirectory;
  @TempDir static Path work;

  private final AtomicInteger homes = new AtomicInteger();
  private TestServer server;
  private Path baseImage;

  @BeforeAll
  void startServer() throws IOException {
    server = TestServer.start(dataDirectory, "acme");
    baseImage =
        BaseImages.mbr(work.resolve("base.img"), Files.createDirectories(work.resolve("tmp")));
    CliRun.Result created =
        cli(server.userToken())
            .run("fleet", "create", "acme/sensors", "--device-type", DEVICE_TYPE);
    assertThat(created.exitCode()).as(created.err()).isZero();
    CliRun.Result uploaded =
        cli(server.adminToken())
            .run(
                "os",
                "upload",
                baseImage.toString(),
                "--device-type",
                DEVICE_TYPE,
                "--version",
                "6.1.0",
                "--quiet");
    assertThat(uploaded.exitCode()).as(uploaded.err()).isZero();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private CliRun cli(String token) throws IOException {
    return new CliRun(Files.createDirectories(work.resolve("home" + homes.incrementAndGet())))
        .variable("SLIPWAY_SERVER", server.url())
        .variable("SLIPWAY_TOKEN", token);
  }

  @Test
  void configureWithFleetWritesAFreshProvisioningKey() throws IOException {
    Path first = work.resolve("first.img");
    Path second = work.resolve("second.img");

    CliRun.Result one =
        cli(server.userToken())
            .run(
                "os",
                "configure",
                baseImage.toString(),
                "--fleet",
                "acme/sensors",
                "-o",
                first.toString(),
                "--max-devices",
                "3",
                "--key-expires-in",
                "7d");
    CliRun.Result two =
        cli(server.userToken())
            .run(
                "os",
                "configure",
                baseImage.toString(),
                "--fleet",
                "acme/sensors",
                "-o",
                second.toString());

    assertThat(one.exitCode()).as(one.err()).isZero();
    assertThat(two.exitCode()).as(two.err()).isZero();
    DeviceConfig firstConfig = bootConfig(first);
    DeviceConfig secondConfig = bootConfig(second);
    assertThat(firstConfig.fleet()).isEqualTo("acme/sensors");
    assertThat(firstConfig.deviceType()).isEqualTo(DEVICE_TYPE);
    assertThat(firstConfig.apiEndpoint().toString()).startsWith(server.url());
    assertThat(firstConfig.provisioningKey()).startsWith("slp_");
    assertThat(secondConfig.provisioningKey()).isNotEqualTo(firstConfig.provisioningKey());
    assertThat(one.out() + one.err()).doesNotContain(firstConfig.provisioningKey());
  }

  @Test
  void assembleWithFleetWritesAFreshProvisioningKey() throws IOException {
    Path boot = Files.createDirectories(work.resolve("assemble-boot"));
    Files.writeString(boot.resolve("cmdline.txt"), "console=ttyS0\n");
    Path rootfs = work.resolve("assemble-rootfs.ext4");
    Path mkfs = RequiredTool.require("/usr/sbin/mkfs.ext4", "e2fsprogs");
    BaseImages.run(List.of(mkfs.toString(), "-q", "-F", rootfs.toString(), "16M"), "");
    Path output = work.resolve("assembled.img");

    CliRun.Result result =
        cli(server.userToken())
            .run(
                "os",
                "assemble",
                "--boot",
                boot.toString(),
                "--rootfs",
                rootfs.toString(),
                "--fleet",
                "acme/sensors",
                "-o",
                output.toString(),
                "--json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(JSON.readTree(result.out()).path("fleet").asString()).isEqualTo("acme/sensors");
    // The assembler starts the boot partition at 4 MiB.
    Path mtype = RequiredTool.require("/usr/bin/mtype", "mtools");
    String json =
        BaseImages.run(List.of(mtype.toString(), "-i", output + "@@4194304", "::config.json"), "");
    DeviceConfig config = DeviceConfig.parse(json.getBytes(StandardCharsets.UTF_8));
    assertThat(config.fleet()).isEqualTo("acme/sensors");
    assertThat(config.provisioningKey()).startsWith("slp_");
    assertThat(result.out() + result.err()).doesNotContain(config.provisioningKey());
  }

  @Test
  void imagesListsTheUploadedBaseImage() throws IOException {
    CliRun.Result listed = cli(server.userToken()).run("os", "images", "--json");

    assertThat(listed.exitCode()).as(listed.err()).isZero();
    JsonNode images = JSON.readTree(listed.out());
    assertThat(images.findValuesAsString("version")).contains("6.1.0");
    assertThat(images.findValuesAsString("deviceType")).contains(DEVICE_TYPE);
  }

  @Test
  void downloadSavesAConfiguredRawImage() throws IOException {
    Path output = work.resolve("download.img");

    CliRun.Result result =
        cli(server.userToken())
            .run(
                "os",
                "download",
                "--fleet",
                "acme/sensors",
                "--version",
                "6.1.0",
                "--format",
                "img",
                "-o",
                output.toString(),
                "--hostname",
                "gate-3");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(output).hasSize(BaseImages.IMAGE_SIZE);
    DeviceConfig config = bootConfig(output);
    assertThat(config.network().hostname()).isEqualTo("gate-3");
    assertThat(config.provisioningKey()).startsWith("slp_");
    assertThat(result.out()).contains("Downloaded " + output);
    assertThat(result.err()).as("progress from Content-Length").contains("Downloading: 100%");
  }

  @Test
  void uploadWithoutAdministratorIsNotAuthorized() throws IOException {
    CliRun.Result result =
        cli(server.userToken())
            .run(
                "os",
                "upload",
                baseImage.toString(),
                "--device-type",
                DEVICE_TYPE,
                "--version",
                "6.2.0",
                "--quiet");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(3);
  }

  @Test
  void uploadOverStoredVersionNamesBothDigests() throws IOException {
    Path large = largeFile("large-6.1.0.img");

    CliRun.Result result = upload(large, "6.1.0");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
    assertThat(result.err()).contains("is already stored with SHA-256");
    assertThat(result.err()).contains("delete the stored image first");
  }

  @Test
  void uploadOfStoredFileAgainSucceeds() throws IOException {
    CliRun.Result result = upload(baseImage, "6.1.0");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("is already stored as " + DEVICE_TYPE + " 6.1.0");
  }

  @Test
  void uploadWithInvalidVersionIsAUsageError() throws IOException {
    CliRun.Result result = upload(baseImage, "6.1/0");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.err()).contains("Invalid --version '6.1/0'");
  }

  @Test
  void uploadForUnknownDeviceTypeIsAUsageError() throws IOException {
    CliRun.Result result =
        cli(server.adminToken())
            .run(
                "os",
                "upload",
                baseImage.toString(),
                "--device-type",
                "toaster",
                "--version",
                "1.0",
                "--quiet");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.err()).contains("Unknown --device-type 'toaster'");
  }

  private CliRun.Result upload(Path file, String version) throws IOException {
    return cli(server.adminToken())
        .run(
            "os",
            "upload",
            file.toString(),
            "--device-type",
            DEVICE_TYPE,
            "--version",
            version,
            "--quiet");
  }

  /**
   * Returns a sparse file of 200 MiB, large enough that a server rejecting it from the request
   * headers responds while the client is still sending.
   */
  private static Path largeFile(String name) throws IOException {
    Path file = work.resolve(name);
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.setLength(200L << 20);
    }
    return file;
  }

  @Test
  void configureForUnknownFleetFails() throws IOException {
    CliRun.Result result =
        cli(server.userToken())
            .run(
                "os",
                "configure",
                baseImage.toString(),
                "--fleet",
                "acme/absent",
                "-o",
                work.resolve("absent.img").toString());

    assertThat(result.exitCode()).isNotZero();
    assertThat(work.resolve("absent.img")).doesNotExist();
  }

  private static DeviceConfig bootConfig(Path image) throws IOException {
    return DeviceConfig.parse(
        BaseImages.readBootFile(image, "config.json").getBytes(StandardCharsets.UTF_8));
  }
}
