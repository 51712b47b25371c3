package io.slipway.api.targetstate;

/** Compares the ETags of an {@code If-None-Match} header with the current one. Stateless. */
public final class EntityTags {

  private EntityTags() {}

  /**
   * Returns true when {@code ifNoneMatch} is {@code *} or lists {@code etag}. Comparison is weak,
   * as RFC 9110 requires for {@code If-None-Match}: {@code W/"x"} matches {@code "x"}.
   *
   * @param ifNoneMatch the header value, or null when absent
   * @param etag the current ETag, quoted
   */
  public static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.strip();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
