package io.slipway.api.account;

import java.util.Objects;

/**
 * A user account as stored, without secrets. Immutable.
 *
 * @param id row id
 * @param username unique login name
 * @param email contact address, or null
 * @param serverAdmin true when the user administers the whole server
 * @param totpEnabled true when sign-in needs a TOTP code
 * @param createdAt creation time, milliseconds since the epoch
 * @param disabledAt when the account was disabled, or null while it is active
 */
public record User(
    long id,
    String username,
    String email,
    boolean serverAdmin,
    boolean totpEnabled,
    long createdAt,
    Long disabledAt) {

  public User {
    Objects.requireNonNull(username, "username");
  }

  public boolean disabled() {
    return disabledAt != null;
  }
}
