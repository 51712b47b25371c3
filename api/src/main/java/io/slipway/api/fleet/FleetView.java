package io.slipway.api.fleet;

import java.util.List;

/**
 * A fleet as the API shows it to people.
 *
 * @param organization the owning organization's slug
 * @param slug the fleet's slug
 * @param name display name
 * @param deviceType device type slug
 * @param architecture the device type's CPU architecture
 * @param platform the OCI platform of the fleet's images
 * @param requiresApproval whether new devices wait for an owner's approval
 * @param trackLatest whether the fleet follows its latest successful release
 * @param targetReleaseId the pinned release, or null
 * @param createdAt creation time, milliseconds since the epoch
 * @param deviceTypes the device types its releases are built for
 * @param platforms the OCI platforms of those device types, without repeats, in the same order
 * @param deployBranch the git branch whose pushes build a release
 */
public record FleetView(
    String organization,
    String slug,
    String name,
    String deviceType,
    String architecture,
    String platform,
    boolean requiresApproval,
    boolean trackLatest,
    Long targetReleaseId,
    long createdAt,
    List<String> deviceTypes,
    List<String> platforms,
    String deployBranch) {

  /** Builds the view of {@code fleet}; architecture and platform are null for an unknown type. */
  public static FleetView of(Fleet fleet, DeviceTypeCatalog deviceTypes) {
    DeviceType type = deviceTypes.find(fleet.deviceType()).orElse(null);
    return new FleetView(
        fleet.organizationSlug(),
        fleet.slug(),
        fleet.name(),
        fleet.deviceType(),
        type == null ? null : type.architecture().name(),
        type == null ? null : type.architecture().platform(),
        fleet.requiresApproval(),
        fleet.trackLatest(),
        fleet.targetReleaseId(),
        fleet.createdAt(),
        fleet.deviceTypesToBuild(),
        platforms(fleet, deviceTypes),
        fleet.deployBranch());
  }

  private static List<String> platforms(Fleet fleet, DeviceTypeCatalog deviceTypes) {
    return fleet.deviceTypesToBuild().stream()
        .flatMap(slug -> deviceTypes.find(slug).stream())
        .map(type -> type.architecture().platform())
        .distinct()
        .toList();
  }
}
