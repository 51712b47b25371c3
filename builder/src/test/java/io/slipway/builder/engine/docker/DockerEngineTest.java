package io.slipway.builder.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildLog;
import io.slipway.builder.BuildRequest;
import io.slipway.builder.EngineException;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.ImageTarget;
import io.slipway.builder.registry.RegistryCredentials;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerEngineTest {

  @TempDir Path directory;

  @Test
  void engineRunsCommands() {
    try (DockerEngine engine = new DockerEngine(DockerSettings.local())) {
      assertThat(engine.name()).isEqualTo("docker");
      assertThat(engine.runsCommands()).isTrue();
    }
  }

  @Test
  void unreachableEngineFailsClearly() throws Exception {
    Path context = Files.createDirectories(directory.resolve("context"));
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
    URI socket = URI.create("unix://" + directory.resolve("no-engine.sock"));
    BuildRequest request =
        new BuildRequest(
            "web",
            Platform.LINUX_ARM64,
            context,
            "Dockerfile",
            Map.of(),
            null,
            new ImageTarget("127.0.0.1:5000", "acme/fleet/web", "1.0.0-linux-arm64"),
            new RegistryCredentials("builder", "secret"),
            Instant.EPOCH);

    try (DockerEngine engine = new DockerEngine(DockerSettings.of(socket))) {
      assertThatThrownBy(() -> engine.build(request, BuildLog.DISCARD))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining(socket.toString())
          .hasMessageContaining("web@linux/arm64")
          .hasMessageContaining("cannot reach the engine");
    }
  }
}
