package io.slipway.api.account;

/**
 * A user as the API shows it; never a secret. Times in milliseconds since the epoch.
 *
 * @param disabledAt when the account was disabled, or null while it is active
 */
record UserBody(
    long id,
    String username,
    String email,
    boolean serverAdmin,
    boolean totpEnabled,
    long createdAt,
    Long disabledAt) {

  static UserBody of(User user) {
    return new UserBody(
        user.id(),
        user.username(),
        user.email(),
        user.serverAdmin(),
        user.totpEnabled(),
        user.createdAt(),
        user.disabledAt());
  }
}
