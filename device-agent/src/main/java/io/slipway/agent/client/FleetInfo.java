package io.slipway.agent.client;

/**
 * The device's fleet as {@code GET /device/v1/{uuid}/fleet} describes it. Immutable.
 *
 * @param org the organization's slug
 * @param slug the fleet's slug
 * @param deviceType the fleet's device type slug
 * @param architecture the device type's architecture, such as {@code AARCH64}, or null
 * @param platform the OCI platform its images are built for, such as {@code linux/arm64}, or null
 *     when the device type is unknown to the server
 */
public record FleetInfo(
    String org, String slug, String deviceType, String architecture, String platform) {}
