package io.slipway.api.access;

import io.slipway.api.control.support.SupportAccessRepository;
import io.slipway.api.device.Device;
import io.slipway.api.device.DeviceRepository;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.error.UnauthorizedException;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import io.slipway.api.organization.Organization;
import io.slipway.api.organization.OrganizationRepository;
import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Decides whether a caller may act on an organization, fleet or device; every endpoint calls it
 * before doing anything else. Safe for concurrent use.
 *
 * <p>Refusals, in this order: no credentials is {@code 401 UNAUTHORIZED}; a device or provisioning
 * key on an endpoint for people, or a person on an endpoint for devices, is {@code 403 FORBIDDEN};
 * a user who is not a member of the organization gets the same {@code 404} as for a name that does
 * not exist, so that names leak nothing; a member whose role lacks the permission is {@code 403
 * FORBIDDEN} naming the role and the permission. Server administrators hold every permission except
 * {@link Permission#DEVICE_CONTROL}: unless their own membership grants it, they control a fleet's
 * devices only while a fleet owner has granted support access to that fleet, and get {@code 403
 * SUPPORT_ACCESS_REQUIRED} otherwise.
 */
@Service
public class AccessControl {

  private final OrganizationRepository organizations;
  private final FleetRepository fleets;
  private final DeviceRepository devices;
  private final SupportAccessRepository supportAccess;
  private final Clock clock;

  public AccessControl(
      OrganizationRepository organizations,
      FleetRepository fleets,
      DeviceRepository devices,
      SupportAccessRepository supportAccess,
      Clock clock) {
    this.organizations = organizations;
    this.fleets = fleets;
    this.devices = devices;
    this.supportAccess = supportAccess;
    this.clock = clock;
  }

  /** An organization the caller may act on, with the caller's role (null for a server admin). */
  public record OrganizationAccess(Organization organization, Role role) {}

  /**
   * Requires a signed-in user or user API token.
   *
   * @throws UnauthorizedException without credentials
   * @throws ApiException {@code FORBIDDEN} for a device or provisioning key
   */
  public Identity requireUser(Identity who) {
    if (who.isAnonymous()) {
      throw new UnauthorizedException(
          "Credentials are required: send 'Authorization: Bearer <token>' with a session or API"
              + " token");
    }
    if (!who.isUser()) {
      throw new ApiException(
          ErrorCode.FORBIDDEN,
          "A "
              + describe(who)
              + " may not call this endpoint: it is for people and their API tokens");
    }
    return who;
  }

  /**
   * Requires a server administrator.
   *
   * @throws ApiException {@code FORBIDDEN} for anyone else
   */
  public Identity requireServerAdmin(Identity who) {
    requireUser(who);
    if (!who.serverAdmin()) {
      throw new ApiException(
          ErrorCode.FORBIDDEN,
          "User '" + who.subject() + "' is not a server administrator; ask one to do this");
    }
    return who;
  }

  /**
   * Requires {@code permission} in the organization {@code organizationSlug}.
   *
   * @throws ApiException {@code ORGANIZATION_NOT_FOUND} when it does not exist or the caller is not
   *     a member; {@code FORBIDDEN} when the caller's role lacks the permission
   */
  public OrganizationAccess requireOrganization(
      Identity who, String organizationSlug, Permission permission) {
    requireUser(who);
    Organization organization =
        organizations
            .findBySlug(organizationSlug)
            .orElseThrow(() -> organizationNotFound(organizationSlug));
    return new OrganizationAccess(
        organization, requirePermission(who, organization, null, permission, organizationSlug));
  }

  /**
   * Requires {@code permission} on the fleet {@code fleetSlug} of {@code organizationSlug}.
   *
   * @throws ApiException {@code FLEET_NOT_FOUND} when the fleet does not exist or the caller is not
   *     a member of its organization; {@code FORBIDDEN} when the role lacks the permission
   */
  public Fleet requireFleet(
      Identity who, String organizationSlug, String fleetSlug, Permission permission) {
    requireUser(who);
    String name = organizationSlug + "/" + fleetSlug;
    Fleet fleet =
        fleets.findBySlugs(organizationSlug, fleetSlug).orElseThrow(() -> fleetNotFound(name));
    requireInFleetOrganization(who, fleet, permission, name);
    return fleet;
  }

  /**
   * Requires {@code permission} on the fleet through the caller's own membership, like {@link
   * #requireFleet(Identity, String, String, Permission)} except that being a server administrator
   * adds nothing. For actions an administrator must not take for themselves, such as granting
   * support access.
   *
   * @throws ApiException {@code FORBIDDEN} for a server administrator whose role in the fleet's
   *     organization, if any, lacks the permission
   */
  public Fleet requireFleetAsMember(
      Identity who, String organizationSlug, String fleetSlug, Permission permission) {
    Fleet fleet = requireFleet(who, organizationSlug, fleetSlug, permission);
    if (!who.serverAdmin()) {
      return fleet;
    }
    Optional<Role> role = organizations.findRole(fleet.organizationId(), who.id());
    if (role.isEmpty() || !RolePermissions.allows(role.get(), permission)) {
      throw new ApiException(
          ErrorCode.FORBIDDEN,
          "Server administrator '"
              + who.subject()
              + "' is not a member of organization '"
              + organizationSlug
              + "' with "
              + permission
              + ": only a fleet owner may do this for fleet "
              + fleet.repositoryPrefix());
    }
    return fleet;
  }

  /** Requires {@code permission} on the fleet with row id {@code fleetId}; see the slug form. */
  public Fleet requireFleet(Identity who, long fleetId, Permission permission) {
    requireUser(who);
    Fleet fleet =
        fleets.findById(fleetId).orElseThrow(() -> fleetNotFound(String.valueOf(fleetId)));
    requireInFleetOrganization(who, fleet, permission, fleet.repositoryPrefix());
    return fleet;
  }

  /**
   * Requires {@code permission} on the fleet of device {@code uuid}, for a person.
   *
   * @throws ApiException {@code DEVICE_NOT_FOUND} when the device does not exist or the caller is
   *     not a member of its fleet's organization; {@code FORBIDDEN} when the role lacks it
   */
  public Device requireDevice(Identity who, String uuid, Permission permission) {
    requireUser(who);
    Device device = devices.findByUuid(uuid).orElseThrow(() -> deviceNotFound(uuid));
    Fleet fleet = fleets.findById(device.fleetId()).orElseThrow(() -> deviceNotFound(uuid));
    Organization organization =
        organizations.findById(fleet.organizationId()).orElseThrow(() -> deviceNotFound(uuid));
    if (!who.serverAdmin() && roleOf(who, organization).isEmpty()) {
      throw deviceNotFound(uuid);
    }
    requirePermission(who, organization, fleet, permission, "device " + uuid);
    return device;
  }

  /**
   * Requires the caller to be the device {@code uuid} itself, with its own device key.
   *
   * @throws UnauthorizedException without credentials
   * @throws ApiException {@code FORBIDDEN} for a person, a provisioning key or another device
   */
  public Device requireOwnDevice(Identity who, String uuid) {
    long deviceId = requireOwnDeviceId(who, uuid);
    return devices.findById(deviceId).orElseThrow(() -> deviceNotFound(uuid));
  }

  /**
   * Requires the caller to be a device with its own device key, for device endpoints that take no
   * UUID because they act on the caller alone.
   *
   * @return the calling device
   * @throws UnauthorizedException without credentials
   * @throws ApiException {@code FORBIDDEN} for a person, a provisioning key or a builder
   */
  public Device requireCallingDevice(Identity who) {
    if (who.isAnonymous()) {
      throw new UnauthorizedException(
          "A device key is required: send 'Authorization: Bearer <device key>'");
    }
    return requireOwnDevice(who, who.subject());
  }

  /**
   * Requires the caller to be the device {@code uuid} itself, like {@link #requireOwnDevice}, but
   * without loading the device. It is for hot paths that read what they need in a query of their
   * own and return {@code DEVICE_NOT_FOUND} themselves when the device is gone.
   *
   * @return the device's row id
   */
  public long requireOwnDeviceId(Identity who, String uuid) {
    if (who.isAnonymous()) {
      throw new UnauthorizedException(
          "A device key is required: send 'Authorization: Bearer <device key>'");
    }
    if (!who.isDevice()) {
      throw new ApiException(
          ErrorCode.FORBIDDEN,
          "A " + describe(who) + " may not call device endpoints: they take a device key");
    }
    if (!who.subject().equals(uuid)) {
      throw new ApiException(
          ErrorCode.FORBIDDEN,
          "Device " + who.subject() + " may act only on itself, not on device " + uuid);
    }
    return who.id();
  }

  private void requireInFleetOrganization(
      Identity who, Fleet fleet, Permission permission, String name) {
    Organization organization =
        organizations.findById(fleet.organizationId()).orElseThrow(() -> fleetNotFound(name));
    if (!who.serverAdmin() && roleOf(who, organization).isEmpty()) {
      throw fleetNotFound(name);
    }
    requirePermission(who, organization, fleet, permission, "fleet " + name);
  }

  /**
   * Checks {@code permission}; {@code fleet} is the fleet acted on, or null for an action on the
   * organization as a whole, where an administrator never has support access.
   */
  private Role requirePermission(
      Identity who, Organization organization, Fleet fleet, Permission permission, String target) {
    if (who.serverAdmin()) {
      Role role = roleOf(who, organization).orElse(null);
      requireSupportAccess(who, role, fleet, permission, organization);
      return role;
    }
    Role role =
        roleOf(who, organization).orElseThrow(() -> organizationNotFound(organization.slug()));
    if (!RolePermissions.allows(role, permission)) {
      throw new ApiException(
          ErrorCode.FORBIDDEN,
          "User '"
              + who.subject()
              + "' is "
              + role.name().toLowerCase()
              + " in organization '"
              + organization.slug()
              + "', which lacks "
              + permission
              + " for "
              + target
              + "; ask an owner for a role that has it");
    }
    return role;
  }

  /**
   * Lets a server administrator control devices only through their own role or an open support
   * access grant of the fleet, so that administering the server does not by itself reach into
   * customers' devices.
   */
  private void requireSupportAccess(
      Identity who, Role role, Fleet fleet, Permission permission, Organization organization) {
    if (permission != Permission.DEVICE_CONTROL) {
      return;
    }
    if (role != null && RolePermissions.allows(role, permission)) {
      return;
    }
    if (fleet != null && supportAccess.hasOpenGrant(fleet.id(), clock.millis())) {
      return;
    }
    String fleetName = fleet == null ? "its fleet" : "fleet " + fleet.repositoryPrefix();
    String fleetSlug = fleet == null ? "FLEET" : fleet.slug();
    throw new ApiException(
        ErrorCode.SUPPORT_ACCESS_REQUIRED,
        "Server administrator '"
            + who.subject()
            + "' may control a device only with support access: a fleet owner must grant support"
            + " access to "
            + fleetName
            + " (POST /api/v1/orgs/"
            + organization.slug()
            + "/fleets/"
            + fleetSlug
            + "/support-access)");
  }

  private Optional<Role> roleOf(Identity who, Organization organization) {
    return organizations.findRole(organization.id(), who.id());
  }

  private static String describe(Identity who) {
    return switch (who.kind()) {
      case USER -> "user";
      case DEVICE -> "device key";
      case PROVISIONING_KEY -> "provisioning key";
      case ANONYMOUS -> "request without credentials";
      case SYSTEM -> "server task";
      case BUILDER -> "builder secret";
    };
  }

  private static ApiException organizationNotFound(String slug) {
    return new ApiException(
        ErrorCode.ORGANIZATION_NOT_FOUND,
        "Organization '" + slug + "' does not exist or you are not a member; check the slug");
  }

  private static ApiException fleetNotFound(String name) {
    return new ApiException(
        ErrorCode.FLEET_NOT_FOUND,
        "Fleet '" + name + "' does not exist or you are not a member of its organization");
  }

  private static ApiException deviceNotFound(String uuid) {
    return new ApiException(
        ErrorCode.DEVICE_NOT_FOUND,
        "Device "
            + uuid
            + " does not exist or you are not a member of its fleet's organization; check the"
            + " UUID");
  }
}
