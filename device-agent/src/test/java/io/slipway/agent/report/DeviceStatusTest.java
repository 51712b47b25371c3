package io.slipway.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.agent.client.ServiceState;
import io.slipway.agent.client.StateReport;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.InstalledService;
import io.slipway.delta.image.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceStatusTest {

  private static final Digest WEB_1 = Digest.of("web-1".getBytes(StandardCharsets.UTF_8));

  private final DeviceStatus status = new DeviceStatus("os 1");

  private static InstalledRelease release(long id, Digest index) {
    InstalledService web =
        new InstalledService(
            "web",
            "host/acme/fleet/web@" + index,
            index,
            index,
            "web",
            Map.of(),
            Map.of(),
            Map.of());
    return new InstalledRelease(id, "v" + id, id, "sha256:doc", Map.of("web", web));
  }

  @Test
  void noReleaseReportsNoServices() {
    StateReport report = status.snapshot(Map.of());

    assertThat(report.releaseId()).isNull();
    assertThat(report.services()).isEmpty();
  }

  @Test
  void installedServiceReportsItsIndexAndEngineStatus() {
    status.installed(release(1, WEB_1), Map.of("web", "delta"), Map.of());

    ServiceState web = status.snapshot(Map.of("web", "running")).services().get("web");

    assertThat(web.status()).isEqualTo("running");
    assertThat(web.image()).isEqualTo(WEB_1.value());
    assertThat(web.updateMethod()).isEqualTo("delta");
  }

  @Test
  void downloadingServiceStillNamesTheImageItRuns() {
    status.installed(release(1, WEB_1), Map.of(), Map.of());

    status.progress("web", "full", 40, 100);

    ServiceState web = status.snapshot(Map.of("web", "running")).services().get("web");
    assertThat(web.status()).isEqualTo("downloading");
    assertThat(web.image()).isEqualTo(WEB_1.value());
    assertThat(web.downloadedBytes()).isEqualTo(40);
    assertThat(web.downloadSize()).isEqualTo(100);
  }

  @Test
  void unknownSizeIsLeftOut() {
    status.progress("web", "full", 40, -1);

    assertThat(status.snapshot(Map.of()).services().get("web").downloadSize()).isNull();
  }

  @Test
  void switchEndsTheDownload() {
    status.progress("web", "delta", 40, 100);

    status.installed(release(2, WEB_1), Map.of("web", "delta"), Map.of());

    assertThat(status.snapshot(Map.of("web", "running")).services().get("web").status())
        .isEqualTo("running");
  }

  @Test
  void runningServiceKeepsItsUpdateBytes() {
    status.progress("web", "delta", 1081, 1081);

    status.installed(release(2, WEB_1), Map.of("web", "delta"), Map.of());

    ServiceState web = status.snapshot(Map.of("web", "running")).services().get("web");
    assertThat(web.downloadedBytes()).isEqualTo(1081);
    assertThat(web.downloadSize()).isEqualTo(1081);
  }

  @Test
  void presentImageKeepsEarlierUpdateBytes() {
    status.progress("web", "full", 500, 500);
    status.installed(release(1, WEB_1), Map.of("web", "full"), Map.of());

    status.installed(release(2, WEB_1), Map.of("web", "present"), Map.of());

    assertThat(status.snapshot(Map.of()).services().get("web").downloadedBytes()).isEqualTo(500);
  }

  @Test
  void updateWithoutProgressForgetsEarlierBytes() {
    status.progress("web", "full", 500, 500);
    status.installed(release(1, WEB_1), Map.of("web", "full"), Map.of());

    status.installed(release(2, WEB_1), Map.of("web", "delta"), Map.of());

    assertThat(status.snapshot(Map.of()).services().get("web").downloadedBytes()).isNull();
  }

  @Test
  void fallbackReasonIsTheServiceMessage() {
    status.installed(release(2, WEB_1), Map.of("web", "full"), Map.of("web", "no delta"));

    assertThat(status.snapshot(Map.of()).services().get("web").message()).isEqualTo("no delta");
  }

  @Test
  void failureMessageIsCutToTheServerLimit() {
    status.installed(release(1, WEB_1), Map.of(), Map.of());

    status.failed(List.of("web"), "m".repeat(2_000));

    assertThat(status.snapshot(Map.of()).services().get("web").message())
        .hasSize(DeviceStatus.MAX_MESSAGE);
  }

  @Test
  void failureOnFirstBootIsReported() {
    status.failed(List.of("web"), "blob digest mismatch");

    ServiceState web = status.snapshot(Map.of()).services().get("web");

    assertThat(web.status()).isEqualTo("failed");
    assertThat(web.message()).isEqualTo("blob digest mismatch");
  }

  @Test
  void failureOfNewServiceIsReported() {
    status.installed(release(1, WEB_1), Map.of(), Map.of());

    status.failed(List.of("web", "db"), "blob digest mismatch");

    assertThat(status.snapshot(Map.of()).services().get("db").message())
        .isEqualTo("blob digest mismatch");
  }

  @Test
  void recoveredServiceLosesItsMessage() {
    status.installed(release(1, WEB_1), Map.of(), Map.of());
    status.failed(List.of("web"), "ENGINE_FAILED: engine down");

    status.recovered(List.of("web"));

    assertThat(status.snapshot(Map.of("web", "running")).services().get("web").message()).isNull();
  }

  @Test
  void engineStatesMapToReportedStatuses() {
    assertThat(DeviceStatus.reportedStatus(null)).isEqualTo("installing");
    assertThat(DeviceStatus.reportedStatus("created")).isEqualTo("installing");
    assertThat(DeviceStatus.reportedStatus("restarting")).isEqualTo("exited");
    assertThat(DeviceStatus.reportedStatus("dead")).isEqualTo("failed");
  }
}
