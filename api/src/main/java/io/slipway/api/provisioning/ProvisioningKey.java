package io.slipway.api.provisioning;

/**
 * A stored provisioning key, without its secret.
 *
 * @param id row id
 * @param fleetId the fleet that devices registering with it join; 0 once that fleet is deleted
 * @param name the name its creator gave it, unique in the fleet
 * @param createdBy subject of the user who created it
 * @param createdAt creation time, milliseconds since the epoch
 * @param expiresAt expiry time in milliseconds since the epoch, or null for never
 * @param maxUses how many devices it may register, or null for no limit
 * @param useCount how many devices it has registered
 * @param lastUsedAt when it last registered a device, or null
 * @param revokedAt when it was revoked, or null
 */
public record ProvisioningKey(
    long id,
    long fleetId,
    String name,
    String createdBy,
    long createdAt,
    Long expiresAt,
    Long maxUses,
    long useCount,
    Long lastUsedAt,
    Long revokedAt) {

  /** The state of a key: {@link #USABLE}, or the reason it cannot register a device. */
  public enum State {
    USABLE,
    REVOKED,
    EXPIRED,
    USED_UP
  }

  /** Returns the key's state at {@code now}; revocation is reported before expiry and use. */
  public State stateAt(long now) {
    if (revokedAt != null) {
      return State.REVOKED;
    }
    if (expiresAt != null && expiresAt <= now) {
      return State.EXPIRED;
    }
    if (maxUses != null && useCount >= maxUses) {
      return State.USED_UP;
    }
    return State.USABLE;
  }
}
