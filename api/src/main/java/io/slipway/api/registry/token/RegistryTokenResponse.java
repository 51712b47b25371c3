package io.slipway.api.registry.token;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of a token response, with the token under both names that registry clients read: {@code
 * token} (Docker registry token protocol) and {@code access_token} (OAuth2).
 *
 * @param token the signed JWT
 * @param accessToken the same JWT
 * @param expiresIn seconds until the token expires
 * @param issuedAt when the token was issued, in ISO 8601 (RFC 3339) form
 */
public record RegistryTokenResponse(
    String token,
    @JsonProperty("access_token") String accessToken,
    @JsonProperty("expires_in") long expiresIn,
    @JsonProperty("issued_at") String issuedAt) {

  static RegistryTokenResponse of(RegistryTokenIssuer.IssuedToken issued) {
    return new RegistryTokenResponse(
        issued.token(),
        issued.token(),
        issued.lifetime().toSeconds(),
        issued.issuedAt().toString());
  }

  @Override
  public String toString() {
    return "RegistryTokenResponse[expiresIn=" + expiresIn + ", issuedAt=" + issuedAt + "]";
  }
}
