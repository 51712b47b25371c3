package io.slipway.api.fleet;

import java.util.List;
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
 * @param buildDeviceTypes slugs of the device types its releases are built for, or null for its own
 *     device type only
 * @param deployBranch the git branch whose pushes build a release, without {@code refs/heads/}
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
    long createdAt,
    List<String> buildDeviceTypes,
    String deployBranch) {

  /** The deploy branch of a fleet that never chose one. */
  public static final String DEFAULT_DEPLOY_BRANCH = "main";

  public Fleet {
    Objects.requireNonNull(organizationSlug, "organizationSlug");
    Objects.requireNonNull(slug, "slug");
    Objects.requireNonNull(deviceType, "deviceType");
    buildDeviceTypes = buildDeviceTypes == null ? null : List.copyOf(buildDeviceTypes);
    deployBranch = deployBranch == null ? DEFAULT_DEPLOY_BRANCH : deployBranch;
  }

  /** Creates a fleet whose deploy branch is {@value #DEFAULT_DEPLOY_BRANCH}. */
  public Fleet(
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
      long createdAt,
      List<String> buildDeviceTypes) {
    this(
        id,
        organizationId,
        organizationSlug,
        slug,
        name,
        deviceType,
        requiresApproval,
        trackLatest,
        targetReleaseId,
        targetVersion,
        createdAt,
        buildDeviceTypes,
        DEFAULT_DEPLOY_BRANCH);
  }

  /** Returns the full name of the deploy branch, {@code refs/heads/<deployBranch>}. */
  public String deployRef() {
    return "refs/heads/" + deployBranch;
  }

  /**
   * Returns the slugs of the device types its releases are built for: the chosen list, or the
   * fleet's own device type when none was chosen.
   */
  public List<String> deviceTypesToBuild() {
    return buildDeviceTypes == null ? List.of(deviceType) : buildDeviceTypes;
  }

  /** Returns {@code <org>/<fleet>}, the prefix of the fleet's registry repositories. */
  public String repositoryPrefix() {
    return organizationSlug + "/" + slug;
  }
}
