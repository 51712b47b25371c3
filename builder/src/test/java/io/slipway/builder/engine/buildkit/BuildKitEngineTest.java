package io.slipway.builder.engine.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildLog;
import io.slipway.builder.BuildRequest;
import io.slipway.builder.EngineException;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.ImageTarget;
import io.slipway.builder.registry.RegistryCredentials;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildKitEngineTest {

  @TempDir Path context;

  @Test
  void namesItselfBuildkit() {
    try (BuildKitEngine engine = new BuildKitEngine(new BuildKitSettings("tcp://127.0.0.1:1"))) {
      assertThat(engine.name()).isEqualTo("buildkit");
      assertThat(engine.runsCommands()).isTrue();
    }
  }

  @Test
  void standaloneDaemonCannotBuildYet() {
    BuildRequest request =
        new BuildRequest(
            "web",
            Platform.LINUX_ARM64,
            context,
            "Dockerfile",
            Map.of(),
            null,
            new ImageTarget("127.0.0.1:5000", "acme/web", "1.0.0-linux-arm64"),
            new RegistryCredentials("builder", "secret"),
            Instant.EPOCH);

    try (BuildKitEngine engine = new BuildKitEngine(new BuildKitSettings("tcp://127.0.0.1:1"))) {
      assertThatThrownBy(() -> engine.build(request, BuildLog.DISCARD))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("tcp://127.0.0.1:1")
          .hasMessageContaining("set the BuildKit address to 'docker'");
    }
  }
}
