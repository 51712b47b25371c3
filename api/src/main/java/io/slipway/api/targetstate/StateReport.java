package io.slipway.api.targetstate;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A device's report of its current state. Immutable; services are ordered by name.
 *
 * @param releaseId the release the device runs or is moving to, or null for none
 * @param services what each service of that release is doing, by service name
 * @param osVersion the device's OS version, or null when not reported
 */
public record StateReport(Long releaseId, Map<String, ServiceReport> services, String osVersion) {

  /** Maximum number of services in one report. */
  public static final int MAX_SERVICES = 64;

  /** Longest accepted OS version, the width of {@code device.os_version}. */
  public static final int MAX_OS_VERSION = 128;

  /**
   * @throws IllegalArgumentException naming the value at fault: too many services, a blank or
   *     over-long service name, or an over-long OS version
   */
  public StateReport {
    services = services == null ? Map.of() : services;
    if (services.size() > MAX_SERVICES) {
      throw new IllegalArgumentException(
          "The report names " + services.size() + " services; send at most " + MAX_SERVICES);
    }
    Map<String, ServiceReport> sorted = new TreeMap<>();
    services.forEach(
        (name, report) -> {
          if (name == null || name.isBlank() || name.length() > 63 || report == null) {
            throw new IllegalArgumentException(
                "Service '"
                    + name
                    + "' in the report needs a name of 1 to 63 characters and a status");
          }
          sorted.put(name, report);
        });
    services = Collections.unmodifiableMap(sorted);
    if (osVersion != null && (osVersion.isBlank() || osVersion.length() > MAX_OS_VERSION)) {
      throw new IllegalArgumentException(
          "OS version '"
              + osVersion
              + "' must be 1 to "
              + MAX_OS_VERSION
              + " characters; leave it out when unknown");
    }
  }

  /** Returns the device's overall status according to its services. */
  public DeviceRunState overallStatus() {
    return DeviceRunState.of(services.values());
  }
}
