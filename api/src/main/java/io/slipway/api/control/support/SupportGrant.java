package io.slipway.api.control.support;

import java.util.Objects;

/**
 * One grant of support access to a fleet's devices. Times are milliseconds since the epoch.
 * Immutable.
 *
 * @param id row id
 * @param fleetId the fleet
 * @param grantedBy the owner who granted it
 * @param grantedAt when
 * @param expiresAt when it ends by itself
 * @param revokedBy who ended it early, or null
 * @param revokedAt when it was ended early, or null
 */
public record SupportGrant(
    long id,
    long fleetId,
    String grantedBy,
    long grantedAt,
    long expiresAt,
    String revokedBy,
    Long revokedAt) {

  public SupportGrant {
    Objects.requireNonNull(grantedBy, "grantedBy");
  }

  /** Returns whether the grant lets administrators in at {@code now}. */
  public boolean openAt(long now) {
    return revokedAt == null && expiresAt > now;
  }
}
