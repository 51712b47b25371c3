package io.slipway.registry.auth;

import java.time.Instant;
import java.util.List;

/**
 * A verified registry token: who it was issued to, until when, and what it grants.
 *
 * @param subject the identity the token was issued to, such as {@code admin}
 * @param expiresAt the instant after which the token is no longer accepted
 * @param grants the scopes the token allows
 */
public record AccessToken(String subject, Instant expiresAt, List<Scope> grants) {

  public AccessToken {
    grants = List.copyOf(grants);
  }

  /** Returns true when a grant of this token allows {@code action} on {@code repository}. */
  public boolean allows(String repository, String action) {
    return grants.stream()
        .anyMatch(
            grant ->
                grant.type().equals("repository")
                    && grant.name().equals(repository)
                    && grant.allows(action));
  }

  /** Returns true when the token allows listing the catalog of all repositories. */
  public boolean allowsCatalog() {
    return grants.stream()
        .anyMatch(
            grant ->
                grant.type().equals("registry")
                    && grant.name().equals("catalog")
                    && grant.allows("*"));
  }
}
