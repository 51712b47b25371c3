package io.slipway.builder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.plan.BuildTarget;
import io.slipway.builder.plan.EngineChoice;
import io.slipway.builder.platform.Platform;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildOrderTest {

  private static final List<BuildTarget> TARGETS =
      List.of(new BuildTarget("raspberrypi4-64", "aarch64", Platform.LINUX_ARM64));

  @Test
  void versionWithSpaceIsRejected() {
    assertThatThrownBy(() -> order("1.0 beta", "acme/sensors", TARGETS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Version '1.0 beta' is invalid");
  }

  @Test
  void versionTooLongForPlatformTagIsRejected() {
    assertThatThrownBy(() -> order("1".repeat(101), "acme/sensors", TARGETS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 100");
  }

  @Test
  void fleetRepositoryNeedsOrganizationAndFleet() {
    assertThatThrownBy(() -> order("1.0.0", "acme", TARGETS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Fleet repository 'acme' is not ORG/FLEET");
  }

  @Test
  void orderWithoutTargetIsRejected() {
    assertThatThrownBy(() -> order("1.0.0", "acme/sensors", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no target");
  }

  @Test
  void targetsAreCopied() {
    List<BuildTarget> targets = new ArrayList<>(TARGETS);
    BuildOrder order = order("1.0.0", "acme/sensors", targets);

    targets.clear();

    assertThat(order.targets()).hasSize(1);
  }

  private static BuildOrder order(String version, String fleet, List<BuildTarget> targets) {
    return new BuildOrder(
        3,
        version,
        fleet,
        Path.of("/tmp/source"),
        null,
        Instant.EPOCH,
        targets,
        EngineChoice.AUTO,
        false);
  }
}
