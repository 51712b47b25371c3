package io.slipway.api.targetstate;

import java.util.Collection;

/**
 * The overall status of a device, derived from the services of its last report and stored as {@code
 * device.status} and {@code device_state.status}. When services disagree, the most urgent wins, in
 * the order of {@link #of}.
 */
public enum DeviceRunState {
  /** The report names no services. */
  IDLE,
  /** At least one service downloads its image. */
  DOWNLOADING,
  /** At least one service is being installed. */
  INSTALLING,
  /** Every service runs and no health check fails. */
  RUNNING,
  /** Every service runs, but a health check fails. */
  UNHEALTHY,
  /** A service exited. */
  EXITED,
  /** A service failed. */
  FAILED;

  /**
   * Derives the overall status: {@link #FAILED} if any service failed, else {@link #EXITED} if any
   * exited, else {@link #DOWNLOADING} or {@link #INSTALLING} while an update is under way, else
   * {@link #UNHEALTHY} if a health check fails, else {@link #RUNNING}; {@link #IDLE} for no
   * services.
   */
  public static DeviceRunState of(Collection<ServiceReport> services) {
    if (services.isEmpty()) {
      return IDLE;
    }
    if (any(services, ServiceStatus.FAILED)) {
      return FAILED;
    }
    if (any(services, ServiceStatus.EXITED)) {
      return EXITED;
    }
    if (any(services, ServiceStatus.DOWNLOADING)) {
      return DOWNLOADING;
    }
    if (any(services, ServiceStatus.INSTALLING)) {
      return INSTALLING;
    }
    boolean allHealthy = services.stream().allMatch(ServiceReport::runsHealthy);
    return allHealthy ? RUNNING : UNHEALTHY;
  }

  /** Returns true when the device runs its reported release healthy. */
  public boolean isHealthy() {
    return this == RUNNING;
  }

  /** Returns true when the reported release failed on the device: failed, exited or unhealthy. */
  public boolean isFailure() {
    return this == FAILED || this == EXITED || this == UNHEALTHY;
  }

  /** Returns true while the device is on its way to the reported release. */
  public boolean isUpdating() {
    return this == DOWNLOADING || this == INSTALLING;
  }

  private static boolean any(Collection<ServiceReport> services, ServiceStatus status) {
    return services.stream().anyMatch(service -> service.status() == status);
  }
}
