package io.slipway.agent.client;

import java.util.Map;

/**
 * A state report, {@code PATCH /device/v1/{uuid}/state}. Immutable; equal reports are not sent
 * twice.
 *
 * @param releaseId the release the device runs, or null for none
 * @param services each service's state by name
 * @param osVersion the OS version, or null when unknown
 */
public record StateReport(Long releaseId, Map<String, ServiceState> services, String osVersion) {

  public StateReport {
    services = Map.copyOf(services);
  }
}
