package io.slipway.api.access;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.util.Arrays;
import java.util.Locale;

/**
 * The role of a member in an organization. {@link RolePermissions} lists the permissions of each.
 */
public enum Role {
  /** Manages the organization, its members, fleets and keys, and reads its audit log. */
  OWNER,
  /** Pushes code and images and creates releases. */
  DEVELOPER,
  /** Promotes, pins and invalidates releases and runs rollouts. */
  RELEASE_MANAGER,
  /** Manages and controls devices. */
  OPERATOR,
  /** Reads everything in the organization and changes nothing. */
  VIEWER;

  /**
   * Parses a role name in any case, with {@code -} or {@code _} between words.
   *
   * @throws ApiException {@code INVALID_ROLE} naming {@code text} and the valid roles
   */
  public static Role parse(String text) {
    String normalized = text == null ? "" : text.strip().replace('-', '_').toUpperCase(Locale.ROOT);
    for (Role role : values()) {
      if (role.name().equals(normalized)) {
        return role;
      }
    }
    throw new ApiException(
        ErrorCode.INVALID_ROLE,
        "Unknown role '" + text + "': use one of " + Arrays.toString(values()).toLowerCase());
  }
}
