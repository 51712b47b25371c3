package io.slipway.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.InstalledService;
import io.slipway.delta.image.Digest;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NoContainersTest {

  private static final Digest IMAGE = Digest.of(new byte[] {1});

  @Test
  void reconciledServicesReportRunning() {
    NoContainers runner = new NoContainers();

    runner.reconcile(release("a", "b"));

    assertThat(runner.status()).isEqualTo(Map.of("a", "running", "b", "running"));
  }

  @Test
  void stoppedServicesLeaveStatus() {
    NoContainers runner = new NoContainers();
    runner.reconcile(release("a", "b"));

    runner.stop(Set.of("a"));

    assertThat(runner.status()).isEqualTo(Map.of("b", "running"));
  }

  @Test
  void noLockIsHeld() {
    assertThat(new NoContainers().heldLocks(Set.of("a"))).isEmpty();
  }

  private static InstalledRelease release(String... names) {
    Map<String, InstalledService> services = new java.util.TreeMap<>();
    for (String name : names) {
      services.put(
          name, new InstalledService(name, "r", IMAGE, IMAGE, name, Map.of(), Map.of(), Map.of()));
    }
    return new InstalledRelease(1, null, 1, IMAGE.value(), services);
  }
}
