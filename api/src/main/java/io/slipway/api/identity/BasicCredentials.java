package io.slipway.api.identity;

import io.slipway.api.error.BadRequestException;
import io.slipway.api.error.UnauthorizedException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * A user name and password, from an HTTP Basic {@code Authorization} header or a form.
 *
 * @param username the user name as sent
 * @param password the password or token as sent; {@link #toString()} masks it
 */
public record BasicCredentials(String username, String password) {

  private static final String BASIC_PREFIX = "basic ";

  /**
   * Parses an {@code Authorization: Basic base64(user:password)} header value.
   *
   * @return empty when {@code header} is null or blank
   * @throws UnauthorizedException when the header uses another scheme, such as {@code Bearer}
   * @throws BadRequestException when the Basic value is not base64 of {@code user:password}
   */
  public static Optional<BasicCredentials> fromAuthorizationHeader(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String trimmed = header.trim();
    if (!trimmed.toLowerCase(Locale.ROOT).startsWith(BASIC_PREFIX)) {
      String scheme = trimmed.split(" ", 2)[0];
      throw new UnauthorizedException(
          "Authorization scheme '"
              + scheme
              + "' is not accepted here: use HTTP Basic with your user name and token");
    }

    String decoded;
    try {
      byte[] bytes = Base64.getDecoder().decode(trimmed.substring(BASIC_PREFIX.length()).trim());
      decoded = new String(bytes, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(
          "INVALID_AUTHORIZATION",
          "Authorization header holds invalid base64: send 'Basic ' followed by base64 of"
              + " 'user:token'");
    }

    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new BadRequestException(
          "INVALID_AUTHORIZATION",
          "Authorization header has no ':' between user name and token: send 'Basic ' followed by"
              + " base64 of 'user:token'");
    }
    return Optional.of(
        new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
  }

  @Override
  public String toString() {
    return "BasicCredentials[username=" + username + ", password=****]";
  }
}
