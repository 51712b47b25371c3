package io.slipway.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.agent.engine.MountPolicy.Mount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountPolicyTest {

  private static final EngineNames NAMES = new EngineNames("0123456789abcdef0123456789abcdef");

  @TempDir Path dir;

  @Test
  void namedVolumeIsPrivateToDevice() {
    List<Mount> mounts = MountPolicy.none().mounts(NAMES, "app", List.of("data:/data"), Map.of());

    assertThat(mounts).containsExactly(new Mount("slipway_01234567_data", "/data", false));
  }

  @Test
  void longFormVolumeIsRead() {
    Map<String, Object> entry =
        Map.of("type", "volume", "source", "data", "target", "/d", "read_only", true);

    assertThat(MountPolicy.none().mounts(NAMES, "app", List.of(entry), Map.of()))
        .containsExactly(new Mount("slipway_01234567_data", "/d", true));
  }

  @Test
  void hostPathIsRejectedByDefault() {
    assertThatThrownBy(() -> MountPolicy.none().mounts(NAMES, "app", List.of("/:/host"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Service app asks to bind the host path /")
        .hasMessageContaining("(none)");
  }

  @Test
  void hostPathInsideAllowedRootIsAccepted() throws Exception {
    Path shared = Files.createDirectories(dir.resolve("shared/sub"));
    MountPolicy policy = new MountPolicy(List.of(dir.resolve("shared")));

    List<Mount> mounts = policy.mounts(NAMES, "app", List.of(shared + ":/sub:ro"), Map.of());

    assertThat(mounts).containsExactly(new Mount(shared.toRealPath().toString(), "/sub", true));
  }

  @Test
  void dotDotOutOfAllowedRootIsRejected() throws Exception {
    Path shared = Files.createDirectories(dir.resolve("shared"));
    MountPolicy policy = new MountPolicy(List.of(shared));

    assertThatThrownBy(
            () -> policy.mounts(NAMES, "app", List.of(shared + "/../../etc:/etc"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the directories this device allows");
  }

  @Test
  void symlinkOutOfAllowedRootIsRejected() throws Exception {
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createSymbolicLink(shared.resolve("link"), outside);
    MountPolicy policy = new MountPolicy(List.of(shared));

    assertThatThrownBy(
            () -> policy.mounts(NAMES, "app", List.of(shared.resolve("link") + ":/x"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the directories this device allows");
  }

  @Test
  void featureLabelGrantsFixedPaths() {
    List<Mount> mounts =
        MountPolicy.none()
            .mounts(NAMES, "app", null, Map.of("io.balena.features.kernel-modules", "1"));

    assertThat(mounts).containsExactly(new Mount("/lib/modules", "/lib/modules", true));
  }

  @Test
  void featureLabelSetToFalseGrantsNothing() {
    assertThat(
            MountPolicy.none()
                .mounts(NAMES, "app", null, Map.of("io.slipway.features.sysfs", "false")))
        .isEmpty();
  }

  @Test
  void relativeHostPathIsRejected() {
    MountPolicy policy = new MountPolicy(List.of(dir));

    assertThatThrownBy(() -> policy.mounts(NAMES, "app", List.of("./conf:/conf"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("write an absolute path");
  }

  @Test
  void relativeTargetIsRejected() {
    assertThatThrownBy(() -> MountPolicy.none().mounts(NAMES, "app", List.of("d:data"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the target must be absolute");
  }

  @Test
  void unknownModeIsRejected() {
    assertThatThrownBy(() -> MountPolicy.none().mounts(NAMES, "app", List.of("d:/d:z"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use ro or rw");
  }

  @Test
  void volumeNameWithDotsIsRejected() {
    assertThatThrownBy(() -> MountPolicy.none().mounts(NAMES, "app", List.of("a..b:/d"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("volume name 'a..b' is invalid");
  }
}
