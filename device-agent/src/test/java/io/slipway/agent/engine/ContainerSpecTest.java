package io.slipway.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.agent.store.InstalledService;
import io.slipway.delta.image.Digest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerSpecTest {

  private static final EngineNames NAMES = new EngineNames("0123456789abcdef0123456789abcdef");
  private static final Digest IMAGE = Digest.of(new byte[] {1});
  private static final Path LOCKS = Path.of("/data/locks/app");

  @Test
  void defaultsAreHostNetworkAndRestartAlways() {
    ContainerSpec spec = spec(Map.of(), Map.of());

    assertThat(spec.networkMode()).isEqualTo("host");
    assertThat(spec.restart()).isEqualTo("always");
    assertThat(spec.containerName()).isEqualTo("slipway_01234567_app");
  }

  @Test
  void lockDirectoryIsMountedAtBothLockPaths() {
    assertThat(spec(Map.of(), Map.of()).mounts())
        .containsExactly(
            new MountPolicy.Mount("/data/locks/app", "/tmp/slipway", false),
            new MountPolicy.Mount("/data/locks/app", "/tmp/balena", false));
  }

  @Test
  void labelsNameDeviceServiceAndRelease() {
    assertThat(spec(Map.of(), Map.of("role", "web")).labels())
        .containsEntry("role", "web")
        .containsEntry("io.slipway.device", NAMES.deviceUuid())
        .containsEntry("io.slipway.service", "app")
        .containsEntry("io.slipway.release", "3");
  }

  @Test
  void specDigestIgnoresRelease() {
    InstalledService service = service(Map.of("privileged", true), Map.of());

    assertThat(ContainerSpec.of(service, 3, IMAGE, NAMES, MountPolicy.none(), LOCKS).specDigest())
        .isEqualTo(
            ContainerSpec.of(service, 4, IMAGE, NAMES, MountPolicy.none(), LOCKS).specDigest());
  }

  @Test
  void specDigestFollowsConfiguration() {
    assertThat(spec(Map.of("restart", "no"), Map.of()).specDigest())
        .isNotEqualTo(spec(Map.of("restart", "always"), Map.of()).specDigest());
  }

  @Test
  void specDigestIgnoresLabelOrder() {
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    labels.put("a", "1");
    labels.put("b", "2");
    Map<String, String> reversed = new java.util.LinkedHashMap<>();
    reversed.put("b", "2");
    reversed.put("a", "1");

    assertThat(spec(Map.of(), labels).specDigest())
        .isEqualTo(spec(Map.of(), reversed).specDigest());
  }

  @Test
  void serviceNetworkJoinsItsContainer() {
    assertThat(spec(Map.of("network_mode", "service:db"), Map.of()).networkMode())
        .isEqualTo("container:slipway_01234567_db");
  }

  @Test
  void containerNetworkIsRejected() {
    assertThatThrownBy(() -> spec(Map.of("network_mode", "container:other"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use host, bridge, none or service:NAME");
  }

  @Test
  void unknownRestartIsRejected() {
    assertThatThrownBy(() -> spec(Map.of("restart", "sometimes"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("restart 'sometimes'");
  }

  @Test
  void portsAreCheckedAndKept() {
    assertThat(spec(Map.of("ports", List.of("127.0.0.1:8080:80/udp", 53)), Map.of()).ports())
        .containsExactly("127.0.0.1:8080:80/udp", "53");
  }

  @Test
  void malformedPortIsRejected() {
    assertThatThrownBy(() -> spec(Map.of("ports", List.of("http")), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port 'http'");
  }

  @Test
  void privilegedMustBeBoolean() {
    assertThatThrownBy(() -> spec(Map.of("privileged", "yes"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use true or false");
  }

  @Test
  void environmentIsSortedByName() {
    InstalledService service =
        new InstalledService(
            "app", "r", IMAGE, IMAGE, "app", Map.of("B", "2", "A", "1"), Map.of(), Map.of());

    assertThat(ContainerSpec.of(service, 1, IMAGE, NAMES, MountPolicy.none(), LOCKS).environment())
        .containsExactly("A=1", "B=2");
  }

  private static ContainerSpec spec(Map<String, Object> configuration, Map<String, String> labels) {
    return ContainerSpec.of(
        service(configuration, labels), 3, IMAGE, NAMES, MountPolicy.none(), LOCKS);
  }

  private static InstalledService service(
      Map<String, Object> configuration, Map<String, String> labels) {
    return new InstalledService("app", "r", IMAGE, IMAGE, "app", Map.of(), labels, configuration);
  }
}
