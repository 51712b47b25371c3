package io.slipway.cli.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.SlipwayCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code slipway build} as a user sees it: what it prints and its exit codes. */
class BuildCommandTest {

  @TempDir Path project;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = SlipwayCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private void twoServices() throws IOException {
    Files.writeString(
        project.resolve("docker-compose.yml"),
        "services:\n  web:\n    build: web\n  cache:\n    image: redis:7\n");
    Files.createDirectories(project.resolve("web"));
    Files.writeString(
        project.resolve("web/Dockerfile.template"),
        "FROM acme/base-%%SLIPWAY_ARCH%%\nCOPY index.html /srv/\n");
    Files.writeString(project.resolve("web/index.html"), "<h1>hi</h1>\n");
  }

  @Test
  void dryRunPrintsEachDeviceTypeWithItsEngine() throws IOException {
    twoServices();

    int exitCode =
        run(
            "build",
            "--dry-run",
            "--device-type",
            "raspberrypi4-64",
            "--device-type",
            "generic-amd64",
            project.toString());

    assertThat(exitCode).isZero();
    assertThat(out.toString())
        .contains("Service web, device type raspberrypi4-64 (aarch64, linux/arm64)")
        .contains("1 | FROM acme/base-aarch64")
        .contains("Service web, device type generic-amd64 (amd64, linux/amd64)")
        .contains("1 | FROM acme/base-amd64")
        .contains("engine: jib")
        .contains("Service cache: image redis:7, not built");
  }

  @Test
  void dryRunUsesEveryDeviceTypeByDefault() throws IOException {
    twoServices();

    int exitCode = run("build", "--dry-run", project.toString());

    assertThat(exitCode).isZero();
    assertThat(out.toString()).contains("device type raspberry-pi (rpi, linux/arm/v6)");
  }

  @Test
  void badInputIsOneLineWithFileAndLine() throws IOException {
    twoServices();
    Files.writeString(project.resolve("web/Dockerfile.template"), "FROM a\nCOPPY . /\n");

    int exitCode = run("build", "--dry-run", "--device-type", "generic-amd64", project.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("build: web/Dockerfile.template:2: unknown instruction 'COPPY'")
        .doesNotContain("Usage:");
  }

  @Test
  void missingProjectFilesAreOneLine() {
    int exitCode = run("build", "--dry-run", project.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString()).contains("neither a docker-compose.yml nor a Dockerfile");
  }

  @Test
  void unknownDeviceTypeIsAUsageError() throws IOException {
    twoServices();

    int exitCode = run("build", "--dry-run", "--device-type", "toaster", project.toString());

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("'toaster' is unknown").contains("raspberrypi4-64");
  }

  @Test
  void unknownEngineIsAUsageError() throws IOException {
    twoServices();

    int exitCode = run("build", "--dry-run", "--engine", "kaniko", project.toString());

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("'kaniko'");
  }

  @Test
  void uploadWithoutFleetIsAUsageError() throws IOException {
    twoServices();

    int exitCode = run("build", project.toString());

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("Uploading needs --fleet ORG/FLEET");
  }
}
