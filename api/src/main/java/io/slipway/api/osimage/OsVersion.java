package io.slipway.api.osimage;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.osimage.OsVersionFormat;

/**
 * The version of a base OS image, such as {@code 6.1.24+rev1}: 1 to 64 characters, letters, digits,
 * {@code . + _ -}, starting with a letter or digit. It appears in URL paths and in the names of
 * downloaded files, so nothing else is allowed. Immutable.
 *
 * @param value the version as given
 */
public record OsVersion(String value) {

  /** Maximum length, in characters; the {@code os_image.version} column's width. */
  public static final int MAX_LENGTH = OsVersionFormat.MAX_LENGTH;

  /**
   * @throws ApiException {@code INVALID_OS_IMAGE_VERSION} naming the value and the form
   */
  public OsVersion {
    if (!OsVersionFormat.isValid(value)) {
      throw new ApiException(
          ErrorCode.INVALID_OS_IMAGE_VERSION,
          "Invalid OS version '"
              + value
              + "': "
              + OsVersionFormat.DESCRIPTION
              + " (encode '+' as %2B in a query string)");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
