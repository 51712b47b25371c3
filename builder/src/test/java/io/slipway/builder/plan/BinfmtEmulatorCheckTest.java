package io.slipway.builder.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.platform.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinfmtEmulatorCheckTest {

  @TempDir Path binfmt;

  @Test
  void runsTheHostArchitectureAnd386Natively() {
    BinfmtEmulatorCheck check = new BinfmtEmulatorCheck(binfmt, "amd64");

    assertThat(check.canRun(Platform.LINUX_AMD64)).isTrue();
    assertThat(check.canRun(Platform.parse("linux/386"))).isTrue();
  }

  @Test
  void runsAForeignArchitectureWithAnEnabledEmulator() throws IOException {
    Files.writeString(
        binfmt.resolve("qemu-aarch64"),
        "enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F\n");

    assertThat(new BinfmtEmulatorCheck(binfmt, "amd64").canRun(Platform.LINUX_ARM64)).isTrue();
  }

  @Test
  void rejectsAnEmulatorWithoutFixBinaryFlag() throws IOException {
    Files.writeString(
        binfmt.resolve("qemu-aarch64"), "enabled\ninterpreter /usr/bin/qemu-aarch64\nflags: \n");

    assertThat(new BinfmtEmulatorCheck(binfmt, "amd64").canRun(Platform.LINUX_ARM64)).isFalse();
  }

  @Test
  void refusesADisabledEmulator() throws IOException {
    Files.writeString(binfmt.resolve("qemu-arm"), "disabled\n");

    assertThat(new BinfmtEmulatorCheck(binfmt, "amd64").canRun(Platform.LINUX_ARM_V7)).isFalse();
  }

  @Test
  void refusesWithoutAnEmulator() {
    assertThat(new BinfmtEmulatorCheck(binfmt, "amd64").canRun(Platform.LINUX_ARM64)).isFalse();
  }

  @Test
  void runsArmNativelyOnArm64() {
    assertThat(new BinfmtEmulatorCheck(binfmt, "arm64").canRun(Platform.LINUX_ARM_V6)).isTrue();
  }
}
