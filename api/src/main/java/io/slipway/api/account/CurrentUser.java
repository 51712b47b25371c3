package io.slipway.api.account;

import io.slipway.api.access.AccessControl;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import org.springframework.stereotype.Component;

/** Looks up the stored account of the user a request acts as. Safe for concurrent use. */
@Component
public class CurrentUser {

  private final AccessControl access;
  private final UserRepository users;

  CurrentUser(AccessControl access, UserRepository users) {
    this.access = access;
    this.users = users;
  }

  /**
   * Requires a user (session or API token) and returns the stored account.
   *
   * @throws io.slipway.api.error.UnauthorizedException without credentials
   * @throws ApiException {@code FORBIDDEN} for a device or provisioning key; {@code USER_NOT_FOUND}
   *     when the account was deleted after the credential was issued
   */
  public User require(Identity who) {
    access.requireUser(who);
    return users
        .findById(who.id())
        .orElseThrow(
            () ->
                new ApiException(
                    ErrorCode.USER_NOT_FOUND,
                    "User '" + who.subject() + "' no longer exists; sign in again"));
  }
}
