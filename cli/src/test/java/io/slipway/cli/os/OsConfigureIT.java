package io.slipway.cli.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.CliRun;
import io.slipway.cli.StubServer;
import io.slipway.osimage.config.DeviceConfig;
import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code slipway os configure --config} run in-process on images built with sfdisk and mkfs.vfat,
 * checked with mtools. Offline: the home directory is empty and no server variable is set, so any
 * attempt to reach a server would fail the command.
 */
class OsConfigureIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path home;
  @TempDir Path work;

  private Path image;
  private Path config;

  @BeforeEach
  void buildImage() throws IOException {
    image = BaseImages.mbr(work.resolve("base.img"), Files.createDirectories(work.resolve("tmp")));
    config = Files.writeString(work.resolve("config.json"), DeviceConfigs.validJson());
  }

  private CliRun cli() {
    return new CliRun(home);
  }

  /** Runs {@code slipway os configure} with {@code arguments}. */
  private CliRun.Result configure(String... arguments) {
    String[] command = new String[arguments.length + 2];
    command[0] = "os";
    command[1] = "configure";
    System.arraycopy(arguments, 0, command, 2, arguments.length);
    return cli().run(command);
  }

  @Test
  void configWritesConfigJsonIntoTheBootPartition() throws IOException {
    Path output = work.resolve("out.img");

    CliRun.Result result =
        configure(image.toString(), "--config", config.toString(), "-o", output.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    String written = BaseImages.readBootFile(output, "config.json");
    assertThat(DeviceConfig.parse(written.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(DeviceConfigs.valid());
    assertThat(home).isEmptyDirectory();
  }

  @Test
  void configLeavesTheRootPartitionByteIdentical() throws IOException {
    Path output = work.resolve("out.img");

    CliRun.Result result =
        configure(image.toString(), "--config", config.toString(), "-o", output.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    long rootOffset = BaseImages.BOOT_OFFSET + BaseImages.BOOT_SIZE;
    byte[] before = Files.readAllBytes(image);
    byte[] after = Files.readAllBytes(output);
    assertThat(after).hasSameSizeAs(before);
    assertThat(
            Arrays.equals(
                before, (int) rootOffset, before.length, after, (int) rootOffset, after.length))
        .as("root partition unchanged")
        .isTrue();
    assertThat(
            Arrays.equals(
                before, 0, (int) BaseImages.BOOT_OFFSET, after, 0, (int) BaseImages.BOOT_OFFSET))
        .as("partition table unchanged")
        .isTrue();
  }

  @Test
  void defaultOutputNextToInput() throws IOException, NoSuchAlgorithmException {
    CliRun.Result result = configure(image.toString(), "--config", config.toString(), "--json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    Path output = work.resolve("base-configured.img");
    JsonNode document = JSON.readTree(result.out());
    assertThat(document.path("output").asString()).isEqualTo(output.toString());
    assertThat(document.path("format").asString()).isEqualTo("img");
    assertThat(document.path("rawSize").asLong()).isEqualTo(BaseImages.IMAGE_SIZE);
    String sha256 =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(output)));
    assertThat(document.path("sha256").asString()).isEqualTo(sha256);
    assertThat(Path.of(document.path("bmap").asString())).exists();
    assertThat(Path.of(document.path("sha256File").asString())).content().contains(sha256);
    assertThat(result.err()).isEmpty();
  }

  @Test
  void compressedOutputFollowsTheOutputName() throws IOException {
    Path output = work.resolve("out.img.xz");
    Path xz = RequiredTool.require("/usr/bin/xz", "xz-utils");

    CliRun.Result result =
        configure(image.toString(), "--config", config.toString(), "-o", output.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    BaseImages.run(List.of(xz.toString(), "--decompress", "--keep", output.toString()), "");
    Path raw = work.resolve("out.img");
    assertThat(raw).hasSize(BaseImages.IMAGE_SIZE);
    assertThat(BaseImages.readBootFile(raw, "config.json")).contains("\"acme/sensors\"");
  }

  @Test
  void compressedInputKeepsItsFormatAndBmapCopies() throws IOException {
    Path xz = RequiredTool.require("/usr/bin/xz", "xz-utils");
    BaseImages.run(List.of(xz.toString(), "--keep", "-T1", image.toString()), "");
    Path compressed = work.resolve("base.img.xz");

    CliRun.Result result = configure(compressed.toString(), "--config", config.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    Path output = work.resolve("base-configured.img.xz");
    Path bmap = work.resolve("base-configured.img.bmap");
    assertThat(output).exists();
    assertThat(result.out()).contains(bmap.toString());
    Path copy = work.resolve("copy.img");
    BaseImages.bmaptoolCopy(bmap, output, copy);
    assertThat(BaseImages.readBootFile(copy, "config.json")).contains("\"acme/sensors\"");
  }

  @Test
  void networkOptionsAndExtraFilesAreWritten() throws IOException {
    Path output = work.resolve("out.img");
    Path logo = Files.write(work.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});

    CliRun.Result result =
        cli()
            .stdin("correct horse battery\n")
            .run(
                "os",
                "configure",
                image.toString(),
                "--config",
                config.toString(),
                "-o",
                output.toString(),
                "--hostname",
                "gate-3",
                "--wifi-ssid",
                "plant-floor",
                "--wifi-psk-file",
                "-",
                "--development-mode",
                "--add",
                "splash/logo.png=" + logo);

    assertThat(result.exitCode()).as(result.err()).isZero();
    DeviceConfig written =
        DeviceConfig.parse(
            BaseImages.readBootFile(output, "config.json").getBytes(StandardCharsets.UTF_8));
    assertThat(written.network().hostname()).isEqualTo("gate-3");
    assertThat(written.network().wifi().ssid()).isEqualTo("plant-floor");
    assertThat(written.developmentMode()).isTrue();
    assertThat(BaseImages.readBootFile(output, "system-connections/slipway-wifi"))
        .contains("ssid=plant-floor");
    assertThat(BaseImages.readBootFile(output, "splash/logo.png")).contains("PNG");
    assertThat(result.out()).doesNotContain("correct horse");
  }

  @Test
  void imageWithoutBootPartitionIsRejectedWithoutOutput() throws IOException {
    Path output = work.resolve("out.img");

    CliRun.Result result =
        configure(
            image.toString(),
            "--config",
            config.toString(),
            "-o",
            output.toString(),
            "--boot-label",
            "flash-boot");

    assertThat(result.exitCode()).isEqualTo(5);
    assertThat(result.err()).contains("NO_BOOT_PARTITION").contains("flash-boot");
    assertThat(output).doesNotExist();
    try (var files = Files.list(work)) {
      assertThat(files.map(file -> file.getFileName().toString()))
          .noneMatch(name -> name.startsWith("out.img"));
    }
  }

  @Test
  void fileThatIsNoDiskImageIsRejected() throws IOException {
    Path text = Files.writeString(work.resolve("notes.img"), "not a disk image\n".repeat(100));

    CliRun.Result result = configure(text.toString(), "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(5);
    assertThat(result.err()).contains("NOT_A_DISK_IMAGE");
    assertThat(work.resolve("notes-configured.img")).doesNotExist();
  }

  @Test
  void forceReplacesAnExistingOutput() throws IOException {
    Path output = Files.writeString(work.resolve("out.img"), "old");

    CliRun.Result result =
        configure(
            image.toString(),
            "--config",
            config.toString(),
            "-o",
            output.toString(),
            "--force",
            "--quiet");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(output).hasSize(BaseImages.IMAGE_SIZE);
  }

  @Test
  void plainProgressLinesWithoutTerminal() throws IOException {
    CliRun.Result result = configure(image.toString(), "--config", config.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).contains("Configuring: 100%");
    assertThat(result.out()).contains("Configured ").contains("for fleet acme/sensors");
  }

  @Test
  void fleetSendsTheServerOnlyTheRequestedOptions() throws IOException {
    Path passphrase = Files.writeString(work.resolve("psk"), "correct horse battery\n");
    try (StubServer server =
        new StubServer(403, "{\"code\":\"FORBIDDEN\",\"message\":\"operators only\"}")) {
      CliRun.Result result =
          new CliRun(home)
              .variable("SLIPWAY_SERVER", server.url())
              .variable("SLIPWAY_TOKEN", "slt_t")
              .run(
                  "os",
                  "configure",
                  image.toString(),
                  "--fleet",
                  "acme/sensors",
                  "--version",
                  "6.1.0",
                  "--ssh-keys",
                  "--key-expires-in",
                  "7d",
                  "--max-devices",
                  "5",
                  "--wifi-ssid",
                  "plant-floor",
                  "--wifi-psk-file",
                  passphrase.toString());

      assertThat(result.exitCode()).isEqualTo(3);
      assertThat(result.err()).contains("operators only");
      StubServer.Request request = server.requests().get(0);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.uri()).isEqualTo("/api/v1/orgs/acme/fleets/sensors/os-config");
      JsonNode body = JSON.readTree(request.body());
      assertThat(body.path("version").asString()).isEqualTo("6.1.0");
      assertThat(body.path("sshKeys").asBoolean()).isTrue();
      assertThat(body.path("keyExpiresIn").asString()).isEqualTo("PT168H");
      assertThat(body.path("maxDevices").asInt()).isEqualTo(5);
      assertThat(body.has("developmentMode")).isFalse();
      assertThat(request.body()).doesNotContain("correct horse");
      assertThat(work.resolve("base-configured.img")).doesNotExist();
    }
  }
}
