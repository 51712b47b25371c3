package io.slipway.api.account;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.util.regex.Pattern;

/**
 * A user name as accounts are created with: 2 to 63 characters, lower-case letters, digits, dots,
 * underscores and hyphens, starting with a letter or digit.
 *
 * @param value the user name
 */
public record Username(String value) {

  private static final Pattern FORM = Pattern.compile("[a-z0-9][a-z0-9._-]{1,62}");

  /**
   * @throws ApiException {@code INVALID_USERNAME} naming the value and the rule
   */
  public Username {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new ApiException(
          ErrorCode.INVALID_USERNAME,
          "Invalid user name '"
              + value
              + "': use 2 to 63 lower-case letters, digits, '.', '_' or '-', starting with a"
              + " letter or digit");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
