package io.slipway.builder.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.platform.Platform;
import org.junit.jupiter.api.Test;

/**
 * Asks the real Docker engine on {@code /var/run/docker.sock} and reads this machine's binfmt_misc
 * table, where {@code .ci/run} registers qemu-aarch64 and qemu-arm.
 */
class DockerEmulatorsIT {

  @Test
  void localEngineRunsArmPlatformsThroughQemu() {
    try (DockerEngine engine = new DockerEngine(DockerSettings.local())) {
      DockerEmulators emulators = DockerEmulators.of(engine);

      assertThat(emulators.problem(Platform.LINUX_AMD64)).isEmpty();
      assertThat(emulators.problem(Platform.LINUX_ARM64)).isEmpty();
      assertThat(emulators.problem(Platform.LINUX_ARM_V7)).isEmpty();
    }
  }
}
