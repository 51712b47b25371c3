package io.slipway.cli.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.CliRun;
import io.slipway.cli.StubServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code slipway os configure}'s option checks and its request to the server, which all happen
 * before an image is read; the image itself is configured in {@code OsConfigureIT}.
 */
class OsConfigureCommandTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path home;
  @TempDir Path work;

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

  private Path image() throws IOException {
    return Files.write(work.resolve("base.img"), new byte[4096]);
  }

  private Path config(String json) throws IOException {
    return Files.writeString(work.resolve("config.json"), json);
  }

  private Stream<Path> outputs() throws IOException {
    return Files.list(work)
        .filter(file -> !file.getFileName().toString().equals("base.img"))
        .filter(file -> !file.getFileName().toString().equals("config.json"));
  }

  @Test
  void configThatIsNotJsonIsAUsageError() throws IOException {
    Path image = image();
    Path config = config("{\"fleetId\": 1,");

    CliRun.Result result = configure(image.toString(), "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--config " + config);
    assertThat(outputs()).isEmpty();
  }

  @Test
  void missingConfigIsAUsageError() throws IOException {
    Path image = image();

    CliRun.Result result =
        configure(image.toString(), "--config", work.resolve("absent.json").toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("absent.json does not exist");
  }

  @Test
  void configWithUnknownFieldIsAUsageError() throws IOException {
    Path image = image();
    String valid =
        new String(DeviceConfigs.valid().toJson(), java.nio.charset.StandardCharsets.UTF_8);
    Path config = config(valid.replaceFirst("\\{", "{\"colour\": \"blue\","));

    CliRun.Result result = configure(image.toString(), "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("colour");
    assertThat(outputs()).isEmpty();
  }

  @Test
  void existingOutputWithoutForceIsAUsageError() throws IOException {
    Path image = image();
    Path config = config(DeviceConfigs.validJson());
    Path existing = Files.writeString(work.resolve("base-configured.img"), "keep me");

    CliRun.Result result = configure(image.toString(), "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains(existing + " already exists").contains("--force");
    assertThat(existing).hasContent("keep me");
  }

  @Test
  void existingBmapWithoutForceIsAUsageError() throws IOException {
    Path image = image();
    Path config = config(DeviceConfigs.validJson());
    Files.writeString(work.resolve("base-configured.img.bmap"), "keep me");

    CliRun.Result result = configure(image.toString(), "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("base-configured.img.bmap already exists");
  }

  @Test
  void outputEqualToInputRejected() throws IOException {
    Path image = image();
    Path config = config(DeviceConfigs.validJson());

    CliRun.Result result =
        configure(
            image.toString(),
            "--config",
            config.toString(),
            "--output",
            image.toString(),
            "--force");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("is the input image");
    assertThat(image).hasSize(4096);
  }

  @Test
  void missingImageIsAUsageError() throws IOException {
    Path config = config(DeviceConfigs.validJson());

    CliRun.Result result =
        configure(work.resolve("absent.img").toString(), "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("absent.img does not exist");
  }

  @Test
  void fleetAndConfigTogetherAreAUsageError() throws IOException {
    Path image = image();
    Path config = config(DeviceConfigs.validJson());

    CliRun.Result result =
        configure(image.toString(), "--config", config.toString(), "--fleet", "acme/sensors");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("mutually exclusive");
  }

  @Test
  void neitherFleetNorConfigIsAUsageError() throws IOException {
    CliRun.Result result = configure(image().toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--fleet").contains("--config");
  }

  @Test
  void serverOnlyOptionsWithConfigAreAUsageError() throws IOException {
    Path image = image();
    Path config = config(DeviceConfigs.validJson());

    CliRun.Result result =
        configure(
            image.toString(), "--config", config.toString(), "--ssh-keys", "--max-devices", "3");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--ssh-keys and --max-devices require a server");
  }

  @Test
  void singleServerOptionReadsInSingular() throws IOException {
    Path image = image();
    Path config = config(DeviceConfigs.validJson());

    CliRun.Result result = configure(image.toString(), "--config", config.toString(), "--ssh-keys");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--ssh-keys requires a server").contains("or leave it out");
  }

  @Test
  void wifiSsidWithoutPassphraseFileIsAUsageError() throws IOException {
    Path image = image();
    Path config = config(DeviceConfigs.validJson());

    CliRun.Result result =
        configure(image.toString(), "--config", config.toString(), "--wifi-ssid", "plant-floor");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--wifi-ssid and --wifi-psk-file go together");
  }

  @Test
  void missingWifiPassphraseFileIsNamedAsMissing() throws IOException {
    Path image = image();
    Path config = config(DeviceConfigs.validJson());
    Path missing = image.resolveSibling("no-such-psk.txt");

    CliRun.Result result =
        configure(
            image.toString(),
            "--config",
            config.toString(),
            "--wifi-ssid",
            "plant-floor",
            "--wifi-psk-file",
            missing.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--wifi-psk-file " + missing + " does not exist");
  }

  @Test
  void shortWifiPassphraseIsAUsageError() throws IOException {
    Path image = image();
    Path config = config(DeviceConfigs.validJson());

    CliRun.Result result =
        cli()
            .stdin("short\n")
            .run(
                "os",
                "configure",
                image.toString(),
                "--config",
                config.toString(),
                "--wifi-ssid",
                "plant-floor",
                "--wifi-psk-file",
                "-");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("os.network.wifi.psk").doesNotContain("short");
  }

  @Test
  void formatThatContradictsOutputNameIsAUsageError() throws IOException {
    Path image = image();
    Path config = config(DeviceConfigs.validJson());

    CliRun.Result result =
        configure(
            image.toString(),
            "--config",
            config.toString(),
            "--output",
            work.resolve("out.img.gz").toString(),
            "--format",
            "img.xz");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("ends in .img.gz but --format is img.xz");
  }

  @Test
  void unknownFormatIsAUsageError() throws IOException {
    CliRun.Result result = configure(image().toString(), "--config", "c.json", "--format", "iso");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'iso'");
  }

  @Test
  void addWithDotDotIsAUsageError() throws IOException {
    CliRun.Result result =
        configure(image().toString(), "--config", "c.json", "--add", "../escape=./logo.png");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'../escape' is invalid");
  }

  @Test
  void addIgnoresCaseLikeFat() throws IOException {
    Path image = image();
    Path config = config(DeviceConfigs.validJson());
    Path other = Files.writeString(work.resolve("other.json"), "{}");

    CliRun.Result result =
        configure(
            image.toString(),
            "--config",
            config.toString(),
            "--add",
            "splash/logo.png=" + other,
            "--add",
            "SPLASH/Logo.PNG=" + other);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--add names SPLASH/Logo.PNG twice");
  }

  @Test
  void addThatReplacesConfigJsonIsAUsageError() throws IOException {
    Path image = image();
    Path config = config(DeviceConfigs.validJson());
    Path other = Files.writeString(work.resolve("other.json"), "{}");

    CliRun.Result result =
        configure(image.toString(), "--config", config.toString(), "--add", "config.json=" + other);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--add config.json would replace");
  }

  @Test
  void fleetWithBadImageRequestsNoKey() throws IOException {
    Path image = image();
    try (StubServer server = new StubServer(201, DeviceConfigs.validJson())) {
      CliRun.Result result =
          cli()
              .variable("SLIPWAY_SERVER", server.url())
              .variable("SLIPWAY_TOKEN", "slt_t")
              .run("os", "configure", image.toString(), "--fleet", "acme/sensors");

      assertThat(result.exitCode()).isEqualTo(5);
      assertThat(result.err()).contains("NOT_A_DISK_IMAGE");
      assertThat(server.requests()).isEmpty();
    }
  }

  @Test
  void fleetWithoutLoginIsNotAuthorized() throws IOException {
    CliRun.Result result = configure(image().toString(), "--fleet", "acme/sensors");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err()).contains("Not logged in");
  }

  @Test
  void helpListsTheImageExitCode() {
    CliRun.Result result = configure("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("Exit codes:").contains(" 5").contains("boot partition");
  }
}
