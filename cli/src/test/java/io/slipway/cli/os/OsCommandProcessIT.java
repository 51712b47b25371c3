package io.slipway.cli.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.it.TerminalSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code slipway os} commands run as the runnable jar in their own process: the progress bar on
 * a terminal, and what a stop by SIGTERM leaves behind.
 */
class OsCommandProcessIT {

  @TempDir Path home;
  @TempDir Path work;

  private static String jar() {
    String jar = System.getProperty("slipway.cli.jar");
    assertThat(jar).as("system property slipway.cli.jar, set by the failsafe plugin").isNotNull();
    return jar;
  }

  @Test
  void configureOnATerminalDrawsABar() throws Exception {
    assertThat(TerminalSession.available())
        .as("script from bsdutils runs the jar on a terminal; install bsdutils")
        .isTrue();
    Path image =
        BaseImages.mbr(work.resolve("base.img"), Files.createDirectories(work.resolve("tmp")));
    Path config = Files.writeString(work.resolve("config.json"), DeviceConfigs.validJson());

    try (TerminalSession terminal =
        TerminalSession.start(
            jar(),
            Map.of("HOME", home.toString()),
            "os",
            "configure",
            image.toString(),
            "--config",
            config.toString())) {

      assertThat(terminal.exitCode(Duration.ofMinutes(1))).as(terminal.screen()).isZero();
      assertThat(terminal.screen())
          .contains("\rConfiguring [")
          .contains("] 100% 24.0 MiB / 24.0 MiB")
          .contains("Configured " + work.resolve("base-configured.img"));
    }
  }

  @Test
  void stoppedDownloadLeavesNoFile() throws Exception {
    byte[] image = new byte[64 << 20];
    try (ImageServer server = ImageServer.stalling(image, 1 << 20)) {
      Path output = work.resolve("a.img.zip");
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar(),
                  "os",
                  "download",
                  "--fleet",
                  "acme/sensors",
                  "-o",
                  output.toString())
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("process.log").toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("SLIPWAY_"));
      builder
          .environment()
          .putAll(
              Map.of(
                  "SLIPWAY_SERVER",
                  server.url(),
                  "SLIPWAY_TOKEN",
                  "slt_t",
                  "HOME",
                  home.toString()));
      Process process = builder.start();
      try {
        awaitPartialBytes(output, Duration.ofMinutes(1));

        process.destroy();

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the process ended").isTrue();
      } finally {
        process.destroyForcibly();
      }
      assertThat(outputs()).isEmpty();
    }
  }

  /**
   * Waits until a temporary file of {@code output} contains bytes, so the download is under way.
   */
  private void awaitPartialBytes(Path output, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(work)) {
        List<Path> partial =
            files
                .filter(
                    file ->
                        file.getFileName().toString().startsWith(output.getFileName() + ".tmp-"))
                .toList();
        for (Path file : partial) {
          if (Files.size(file) > 0) {
            return;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "No bytes arrived in a temporary file of "
            + output
            + ":\n"
            + Files.readString(work.resolve("process.log")));
  }

  private List<String> outputs() throws IOException {
    try (Stream<Path> files = Files.list(work)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> !name.equals("process.log"))
          .toList();
    }
  }
}
