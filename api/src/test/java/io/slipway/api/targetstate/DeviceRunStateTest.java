package io.slipway.api.targetstate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceRunStateTest {

  private static ServiceReport service(ServiceStatus status, Boolean healthy) {
    return new ServiceReport(status, null, healthy);
  }

  @Test
  void noServicesIsIdle() {
    assertThat(DeviceRunState.of(List.of())).isEqualTo(DeviceRunState.IDLE);
  }

  @Test
  void servicesRunningWithoutHealthChecksAreRunning() {
    assertThat(DeviceRunState.of(List.of(service(ServiceStatus.RUNNING, null))))
        .isEqualTo(DeviceRunState.RUNNING);
  }

  @Test
  void failingHealthCheckIsUnhealthy() {
    List<ServiceReport> services =
        List.of(service(ServiceStatus.RUNNING, true), service(ServiceStatus.RUNNING, false));

    assertThat(DeviceRunState.of(services)).isEqualTo(DeviceRunState.UNHEALTHY);
  }

  @Test
  void failedServiceOutranksADownload() {
    List<ServiceReport> services =
        List.of(service(ServiceStatus.DOWNLOADING, null), service(ServiceStatus.FAILED, null));

    assertThat(DeviceRunState.of(services)).isEqualTo(DeviceRunState.FAILED);
  }

  @Test
  void downloadOutranksAnInstall() {
    List<ServiceReport> services =
        List.of(service(ServiceStatus.INSTALLING, null), service(ServiceStatus.DOWNLOADING, null));

    assertThat(DeviceRunState.of(services)).isEqualTo(DeviceRunState.DOWNLOADING);
  }
}
