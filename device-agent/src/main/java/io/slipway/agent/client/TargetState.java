package io.slipway.agent.client;

import java.util.Map;

/**
 * The device's target state as {@code GET /device/v1/{uuid}/state} returns it. This copy is not
 * signed; the agent runs only what the signed target state and the signed release document confirm.
 * Immutable.
 *
 * @param etag the state's ETag, for the next poll
 * @param releaseId the release to run, or null when the fleet has none
 * @param releaseVersion its version, or null
 * @param services the release's services by name; empty when there is no release
 * @param config the device's configuration variables
 */
public record TargetState(
    String etag,
    Long releaseId,
    String releaseVersion,
    Map<String, TargetService> services,
    Map<String, String> config) {

  public TargetState {
    services = Map.copyOf(services);
    config = Map.copyOf(config);
  }
}
