package io.slipway.api.device;

import java.util.List;
import java.util.Map;

/**
 * A device as people see it through the API.
 *
 * @param uuid the device's UUID
 * @param name display name
 * @param organization slug of the fleet's organization
 * @param fleet slug of the fleet
 * @param deviceType the type it registered as, or null when unknown
 * @param approved false while it awaits an owner's approval
 * @param status what it last reported doing
 * @param osVersion the OS version it reported, or null
 * @param addresses the IP addresses it reported
 * @param pinnedReleaseId a release pinned for it alone, or null
 * @param tags its tags by name
 * @param createdAt registration time, milliseconds since the epoch
 * @param lastSeenAt when it last called the server, or null
 */
public record DeviceView(
    String uuid,
    String name,
    String organization,
    String fleet,
    String deviceType,
    boolean approved,
    String status,
    String osVersion,
    List<String> addresses,
    Long pinnedReleaseId,
    Map<String, String> tags,
    long createdAt,
    Long lastSeenAt) {}
