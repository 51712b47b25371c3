package io.slipway.builder.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.platform.Platform;
import io.slipway.builder.project.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DryRunTest {

  @TempDir Path root;

  @Test
  void rendersEngineAndResolvedDockerfilePerDeviceType() throws IOException {
    Files.writeString(
        root.resolve("docker-compose.yml"),
        "services:\n  app:\n    build:\n      context: .\n      args:\n        TOKEN: s3cret\n"
            + "  cache:\n    image: redis:7\n");
    Files.writeString(
        root.resolve("Dockerfile.template"),
        "FROM acme/%%SLIPWAY_MACHINE_NAME%%-base\nARG TOKEN\nCMD [\"app\"]\n");
    List<BuildTarget> targets =
        List.of(
            new BuildTarget("intel-nuc", "amd64", Platform.LINUX_AMD64),
            new BuildTarget("raspberrypi4-64", "aarch64", Platform.LINUX_ARM64));

    BuildPlan plan =
        Planner.dryRun(AvailableEngines.JIB_ONLY, p -> true)
            .plan(Project.load(root), targets, EngineChoice.AUTO);
    String text = DryRun.render(plan);

    assertThat(text)
        .contains("Service app, device type intel-nuc (amd64, linux/amd64)")
        .contains("Service app, device type raspberrypi4-64 (aarch64, linux/arm64)")
        .contains("  engine: jib")
        .contains("  dockerfile: Dockerfile.template")
        .contains("  1 | FROM acme/intel-nuc-base")
        .contains("  1 | FROM acme/raspberrypi4-64-base")
        .contains("  build args: TOKEN")
        .contains("Service cache: image redis:7, not built")
        .doesNotContain("s3cret");
  }
}
