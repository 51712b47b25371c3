package io.slipway.api.fleet;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import io.slipway.api.name.Slug;
import io.slipway.api.organization.Organization;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates, changes and deletes fleets, after the caller's access was checked. Safe for concurrent
 * use.
 */
@Service
public class FleetService {

  private static final Logger log = LoggerFactory.getLogger(FleetService.class);

  private final FleetRepository fleets;
  private final DeviceTypeCatalog deviceTypes;
  private final AuditLog audit;
  private final TransactionTemplate transactions;
  private final Clock clock;

  public FleetService(
      FleetRepository fleets,
      DeviceTypeCatalog deviceTypes,
      AuditLog audit,
      TransactionTemplate transactions,
      Clock clock) {
    this.fleets = fleets;
    this.deviceTypes = deviceTypes;
    this.audit = audit;
    this.transactions = transactions;
    this.clock = clock;
  }

  /** Most device types a fleet's releases are built for. */
  public static final int MAX_BUILD_DEVICE_TYPES = 16;

  /**
   * A requested change of a fleet; a null field keeps its value.
   *
   * @param deviceTypes the device types to build releases for; must include the fleet's own
   * @param deployBranch the git branch whose pushes build a release, without {@code refs/heads/}
   */
  public record FleetChange(
      String name,
      String deviceType,
      Boolean requiresApproval,
      List<String> deviceTypes,
      String deployBranch) {

    /** Creates a change that keeps the deploy branch. */
    public FleetChange(
        String name, String deviceType, Boolean requiresApproval, List<String> deviceTypes) {
      this(name, deviceType, requiresApproval, deviceTypes, null);
    }
  }

  /**
   * Returns the device type {@code slug}.
   *
   * @throws ApiException {@code UNKNOWN_DEVICE_TYPE} listing the known types
   */
  public DeviceType requireDeviceType(String slug) {
    return deviceTypes
        .find(slug)
        .orElseThrow(
            () ->
                new ApiException(
                    ErrorCode.UNKNOWN_DEVICE_TYPE,
                    "Unknown device type '"
                        + slug
                        + "': use one of "
                        + String.join(", ", deviceTypes.slugs())
                        + " (GET /api/v1/device-types lists them)"));
  }

  /**
   * Creates a fleet that tracks its latest release.
   *
   * @throws ApiException {@code INVALID_SLUG}, {@code UNKNOWN_DEVICE_TYPE} or {@code
   *     FLEET_SLUG_TAKEN}
   */
  public Fleet create(
      Identity who,
      Organization organization,
      String slug,
      String name,
      String deviceType,
      boolean requiresApproval) {
    Slug fleetSlug = new Slug(slug);
    DeviceType type = requireDeviceType(deviceType);
    String displayName = name == null || name.isBlank() ? fleetSlug.value() : name.strip();
    checkName(displayName);

    Fleet fleet =
        transactions.execute(
            status -> {
              long id;
              try {
                id =
                    fleets.insert(
                        organization.id(),
                        fleetSlug.value(),
                        displayName,
                        type.slug(),
                        requiresApproval,
                        clock.millis());
              } catch (DuplicateKeyException e) {
                throw new ApiException(
                    ErrorCode.FLEET_SLUG_TAKEN,
                    "Organization '"
                        + organization.slug()
                        + "' already has a fleet '"
                        + fleetSlug
                        + "': choose another slug");
              }
              Fleet created = fleets.findById(id).orElseThrow();
              audit.record(
                  who,
                  "fleet.created",
                  "fleet",
                  created.repositoryPrefix(),
                  organization.id(),
                  Map.of("deviceType", type.slug(), "requiresApproval", requiresApproval));
              return created;
            });
    log.info(
        "Fleet {} (id {}) created by '{}'", fleet.repositoryPrefix(), fleet.id(), who.subject());
    return fleet;
  }

  /**
   * Changes name, device type, the approval rule, the build device types or the deploy branch of
   * {@code fleet}.
   *
   * @throws ApiException {@code UNKNOWN_DEVICE_TYPE}; {@code DEVICE_TYPE_MISMATCH} when a device of
   *     the fleet could not run images for the new type, or the build device types leave out the
   *     fleet's own; {@code INVALID_REQUEST_BODY} for an empty, repeating or too long list, or a
   *     deploy branch that is not a valid git branch name
   */
  public Fleet update(Identity who, Fleet fleet, FleetChange change) {
    String name = change.name() == null ? fleet.name() : change.name().strip();
    checkName(name);
    DeviceType type =
        change.deviceType() == null
            ? requireDeviceType(fleet.deviceType())
            : requireDeviceType(change.deviceType());
    boolean requiresApproval =
        change.requiresApproval() == null ? fleet.requiresApproval() : change.requiresApproval();
    List<String> buildTypes =
        change.deviceTypes() == null ? fleet.buildDeviceTypes() : change.deviceTypes();
    if (buildTypes != null) {
      checkBuildDeviceTypes(fleet, type, buildTypes);
    }
    String deployBranch =
        change.deployBranch() == null ? fleet.deployBranch() : checkDeployBranch(change);

    return transactions.execute(
        status -> {
          checkDevicesCanRun(fleet, type);
          fleets.update(fleet.id(), name, type.slug(), requiresApproval, buildTypes);
          fleets.updateDeployBranch(fleet.id(), deployBranch);
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("name", name);
          details.put("deviceType", type.slug());
          details.put("requiresApproval", requiresApproval);
          details.put("deviceTypes", buildTypes == null ? List.of(type.slug()) : buildTypes);
          details.put("deployBranch", deployBranch);
          audit.record(
              who,
              "fleet.updated",
              "fleet",
              fleet.repositoryPrefix(),
              fleet.organizationId(),
              details);
          return fleets.findById(fleet.id()).orElseThrow();
        });
  }

  /**
   * Deletes {@code fleet} with its devices, keys, variables and releases.
   *
   * @throws ApiException {@code FLEET_BUILD_RUNNING} naming the release while the builder builds
   *     one for the fleet, because the build would go on without its release and leave its files
   *     behind; {@code CONFLICT} when other records still refer to the fleet
   */
  public void delete(Identity who, Fleet fleet) {
    try {
      transactions.executeWithoutResult(
          status -> {
            fleets.lock(fleet.id());
            fleets
                .findBuildingRelease(fleet.id())
                .ifPresent(release -> rejectWhileBuilding(fleet, release));
            fleets.delete(fleet.id());
            audit.record(
                who,
                "fleet.deleted",
                "fleet",
                fleet.repositoryPrefix(),
                fleet.organizationId(),
                Map.of());
          });
    } catch (DataIntegrityViolationException e) {
      throw new ApiException(
          ErrorCode.CONFLICT,
          "Fleet '"
              + fleet.repositoryPrefix()
              + "' is still referred to (for example by a rollout): finish or delete those first");
    }
    log.info(
        "Fleet {} (id {}) deleted by '{}'", fleet.repositoryPrefix(), fleet.id(), who.subject());
  }

  private static void rejectWhileBuilding(Fleet fleet, long release) {
    throw new ApiException(
        ErrorCode.FLEET_BUILD_RUNNING,
        "Fleet '"
            + fleet.repositoryPrefix()
            + "' cannot be deleted while release "
            + release
            + " is being built: wait until the build finishes or fails, then delete the fleet");
  }

  /** Returns the fleets of {@code organization}, ordered by slug. */
  public List<Fleet> list(Organization organization) {
    return fleets.findByOrganization(organization.id());
  }

  private void checkDevicesCanRun(Fleet fleet, DeviceType type) {
    for (String deviceTypeSlug : fleets.findDeviceTypesOfDevices(fleet.id())) {
      DeviceType deviceType = deviceTypes.find(deviceTypeSlug).orElse(null);
      if (deviceType != null && !deviceType.canJoinFleetOf(type)) {
        throw new ApiException(
            ErrorCode.DEVICE_TYPE_MISMATCH,
            "Fleet '"
                + fleet.repositoryPrefix()
                + "' has "
                + deviceTypeSlug
                + " devices, which cannot run "
                + type.architecture().name()
                + " images of device type '"
                + type.slug()
                + "': choose a type they can run or move the devices first");
      }
    }
  }

  private void checkBuildDeviceTypes(Fleet fleet, DeviceType type, List<String> slugs) {
    if (slugs.isEmpty() || slugs.size() > MAX_BUILD_DEVICE_TYPES) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Fleet '"
              + fleet.repositoryPrefix()
              + "' got "
              + slugs.size()
              + " device types to build for: give 1 to "
              + MAX_BUILD_DEVICE_TYPES);
    }
    Set<String> seen = new HashSet<>();
    for (String slug : slugs) {
      requireDeviceType(slug);
      if (!seen.add(slug)) {
        throw new ApiException(
            ErrorCode.INVALID_REQUEST_BODY,
            "Device type '" + slug + "' appears twice in deviceTypes: list each type once");
      }
    }
    if (!seen.contains(type.slug())) {
      throw new ApiException(
          ErrorCode.DEVICE_TYPE_MISMATCH,
          "The device types "
              + slugs
              + " to build for leave out the fleet's own device type '"
              + type.slug()
              + "', whose devices would get no image: add it to deviceTypes");
    }
  }

  private static String checkDeployBranch(FleetChange change) {
    try {
      return DeployBranch.require(change.deployBranch());
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST_BODY, e.getMessage());
    }
  }

  private static void checkName(String name) {
    if (name.isEmpty() || name.length() > 255) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Invalid fleet name of " + name.length() + " characters: use 1 to 255 characters");
    }
  }
}
