package io.slipway.api.name;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.util.regex.Pattern;

/**
 * The URL-safe name of an organization or fleet: 1 to 63 lower-case letters, digits and inner
 * hyphens. Slugs also name registry repositories ({@code <org>/<fleet>/<service>}). Immutable.
 *
 * @param value the slug
 */
public record Slug(String value) {

  private static final Pattern FORM = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /**
   * @throws ApiException {@code INVALID_SLUG} naming the value and the rule
   */
  public Slug {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new ApiException(
          ErrorCode.INVALID_SLUG,
          "Invalid slug '"
              + value
              + "': use 1 to 63 lower-case letters, digits and hyphens, starting and ending with a"
              + " letter or digit");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
