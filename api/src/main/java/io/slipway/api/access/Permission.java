package io.slipway.api.access;

/**
 * One thing a caller may do inside an organization. Endpoints ask for exactly one permission;
 * {@link RolePermissions} grants them to roles.
 */
public enum Permission {
  /** See the organization, its members and its fleets. */
  ORGANIZATION_READ,
  /** Add and remove members and change their roles. */
  ORGANIZATION_MANAGE,
  /** Read the organization's audit log. */
  AUDIT_READ,
  /** Read fleets, devices, releases, variables, logs and rollouts. */
  FLEET_READ,
  /** Create, change and delete fleets. */
  FLEET_MANAGE,
  /** Create, list and revoke provisioning keys. */
  PROVISIONING_KEY_MANAGE,
  /** Approve devices of fleets that require approval. */
  DEVICE_APPROVE,
  /** Set and delete fleet, service and device variables. */
  VARIABLE_WRITE,
  /** Push images, build and create releases. */
  RELEASE_CREATE,
  /** Set fleet targets, pin devices, invalidate releases, run rollouts. */
  RELEASE_PROMOTE,
  /** Rename, tag and delete devices. */
  DEVICE_MANAGE,
  /** Reboot devices, restart services and open terminals. */
  DEVICE_CONTROL
}
