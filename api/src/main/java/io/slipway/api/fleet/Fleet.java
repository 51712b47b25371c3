package io.slipway.api.fleet;

import java.util.Objects;

/**
 * A fleet: devices of one device type that run the same release, owned by an organization.
 * Immutable.
 *
 * @param id row id
 * @param organizationId the owning organization
 * @param organizationSlug the owning organization's slug
 * @param slug URL-safe name, unique in the organization
 * @param name display name
 * @param deviceType slug of the device type, such as {@code raspberrypi4-64}
 * @param requiresApproval true when an owner must approve each new device before its key works
 * @param trackLatest true when the fleet follows its latest successful release
 * @param targetReleaseId the pinned release when {@code trackLatest} is false, else null
 * @param targetVersion counter bumped by every change of a target-state input of the fleet
 * @param createdAt creation time, milliseconds since the epoch
 */
public record Fleet(
    long id,
    long organizationId,
    String organizationSlug,
    String slug,
    String name,
    String deviceType,
    boolean requiresApproval,
    boolean trackLatest,
    Long targetReleaseId,
    long targetVersion,
    long createdAt) {

  public Fleet {
    Objects.requireNonNull(organizationSlug, "organizationSlug");
    Objects.requireNonNull(slug, "slug");
    Objects.requireNonNull(deviceType, "deviceType");
  }

  /** Returns {@code <org>/<fleet>}, the prefix of the fleet's registry repositories. */
  public String repositoryPrefix() {
    return organizationSlug + "/" + slug;
  }
}
