package io.slipway.agent.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsReleaseTest {

  @TempDir Path directory;

  @Test
  void prettyNameWithoutQuotes() throws Exception {
    Path file =
        Files.writeString(
            directory.resolve("os-release"),
            "NAME=\"Slipway OS\"\nPRETTY_NAME=\"Slipway OS 2.1\"\n");

    assertThat(OsRelease.read(file)).isEqualTo("Slipway OS 2.1");
  }

  @Test
  void nameAndVersionWithoutPrettyName() throws Exception {
    Path file = Files.writeString(directory.resolve("os-release"), "NAME=Debian\nVERSION_ID=12\n");

    assertThat(OsRelease.read(file)).isEqualTo("Debian 12");
  }

  @Test
  void missingFileIsUnknown() {
    assertThat(OsRelease.read(directory.resolve("absent"))).isNull();
  }

  @Test
  void longNameIsCut() throws Exception {
    Path file =
        Files.writeString(directory.resolve("os-release"), "PRETTY_NAME=" + "x".repeat(300));

    assertThat(OsRelease.read(file)).hasSize(OsRelease.MAX_LENGTH);
  }
}
