package io.slipway.builder.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.platform.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerEmulatorsTest {

  @TempDir Path binfmt;

  private DockerEmulators emulators;

  @BeforeEach
  void enableBinfmt() throws IOException {
    Files.writeString(binfmt.resolve("status"), "enabled\n");
    emulators = new DockerEmulators("x86_64", binfmt, true);
  }

  @Test
  void nativePlatformNeedsNoEmulator() {
    assertThat(emulators.canRun(Platform.LINUX_AMD64)).isTrue();
  }

  @Test
  void enabledEntryWithFixFlagRuns() throws IOException {
    register("qemu-aarch64", "enabled", "PF");

    assertThat(emulators.canRun(Platform.LINUX_ARM64)).isTrue();
  }

  @Test
  void armVariantsUseTheQemuArmEntry() throws IOException {
    register("qemu-arm", "enabled", "PF");

    assertThat(emulators.canRun(Platform.LINUX_ARM_V7)).isTrue();
    assertThat(emulators.canRun(Platform.LINUX_ARM_V6)).isTrue();
  }

  @Test
  void missingEntryNamesTheFix() {
    assertThat(emulators.canRun(Platform.LINUX_ARM64)).isFalse();
    assertThat(emulators.problem(Platform.LINUX_ARM64))
        .hasValueSatisfying(
            problem -> assertThat(problem).contains("update-binfmts --enable qemu-aarch64"));
  }

  @Test
  void disabledEntryCannotRun() throws IOException {
    register("qemu-aarch64", "disabled", "PF");

    assertThat(emulators.problem(Platform.LINUX_ARM64))
        .hasValueSatisfying(problem -> assertThat(problem).contains("is disabled"));
  }

  @Test
  void entryWithoutFixFlagCannotRun() throws IOException {
    register("qemu-aarch64", "enabled", "P");

    assertThat(emulators.problem(Platform.LINUX_ARM64))
        .hasValueSatisfying(problem -> assertThat(problem).contains("lacks the F flag"));
  }

  @Test
  void disabledBinfmtCannotRun() throws IOException {
    register("qemu-aarch64", "enabled", "PF");
    Files.writeString(binfmt.resolve("status"), "disabled\n");

    assertThat(emulators.problem(Platform.LINUX_ARM64))
        .hasValueSatisfying(problem -> assertThat(problem).contains("not enabled"));
  }

  @Test
  void arm64EngineRunsArmNatively() {
    DockerEmulators arm64 = new DockerEmulators("aarch64", binfmt, true);

    assertThat(arm64.canRun(Platform.LINUX_ARM_V7)).isTrue();
    assertThat(arm64.canRun(Platform.LINUX_AMD64)).isFalse();
  }

  @Test
  void remoteEngineIsTrustedForForeignPlatforms() {
    DockerEmulators remote = new DockerEmulators("x86_64", binfmt, false);

    assertThat(remote.canRun(Platform.LINUX_ARM64)).isTrue();
  }

  @Test
  void windowsPlatformCannotRun() {
    assertThat(emulators.canRun(new Platform("windows", "amd64", null))).isFalse();
  }

  private void register(String entry, String state, String flags) throws IOException {
    Files.writeString(
        binfmt.resolve(entry),
        state
            + "\ninterpreter /usr/libexec/qemu-binfmt/"
            + entry
            + "\nflags: "
            + flags
            + "\noffset 0\nmagic 7f454c46\n");
  }
}
