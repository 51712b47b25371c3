package io.slipway.registry.http;

import io.slipway.registry.RegistrySettings;
import io.slipway.registry.auth.AccessToken;
import io.slipway.registry.auth.InvalidTokenException;
import io.slipway.registry.auth.TokenVerifier;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a request's bearer token against the access it needs and builds the {@code
 * WWW-Authenticate} challenge that sends clients to the token endpoint.
 */
final class Authorizer {

  private static final Logger log = LoggerFactory.getLogger(Authorizer.class);

  private final RegistrySettings settings;
  private final TokenVerifier tokens;

  Authorizer(RegistrySettings settings, TokenVerifier tokens) {
    this.settings = settings;
    this.tokens = tokens;
  }

  /** Thrown when a request lacks the access it needs; carries the challenge to send. */
  static final class Unauthorized extends RuntimeException {
    private final String challenge;

    Unauthorized(String message, String challenge) {
      super(message);
      this.challenge = challenge;
    }

    String challenge() {
      return challenge;
    }

    Map<String, Object> detail() {
      return Map.of();
    }
  }

  /**
   * Returns the verified token of the request, or null for an anonymous request that the settings
   * allow.
   *
   * @param scope the scope the request needs, as in the challenge, or null for the base endpoint
   * @throws Unauthorized when no valid token allows the request
   */
  AccessToken require(HttpServletRequest request, String scope, Check check) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      if (settings.anonymousPull() && check.allowsAnonymous()) {
        return null;
      }
      throw new Unauthorized(
          "Authentication required: get a token from the realm in WWW-Authenticate",
          challenge(request, scope, null));
    }
    AccessToken token;
    try {
      token = tokens.verify(header.substring(7).trim());
    } catch (InvalidTokenException e) {
      log.debug(
          "Rejected bearer token for {} {}: {}",
          request.getMethod(),
          request.getRequestURI(),
          e.getMessage());
      throw new Unauthorized(e.getMessage(), challenge(request, scope, "invalid_token"));
    }
    if (!check.allows(token)) {
      throw new Unauthorized(
          "Token of '" + token.subject() + "' does not grant " + scope,
          challenge(request, scope, "insufficient_scope"));
    }
    return token;
  }

  /** A decision on one verified token. */
  interface Check {
    boolean allows(AccessToken token);

    /** Returns true when anonymous-pull settings may let the request through without a token. */
    default boolean allowsAnonymous() {
      return false;
    }
  }

  static Check anyValidToken() {
    return new Check() {
      @Override
      public boolean allows(AccessToken token) {
        return true;
      }

      @Override
      public boolean allowsAnonymous() {
        return true;
      }
    };
  }

  static Check repository(String repository, String action) {
    return new Check() {
      @Override
      public boolean allows(AccessToken token) {
        return token.allows(repository, action);
      }

      @Override
      public boolean allowsAnonymous() {
        return action.equals("pull");
      }
    };
  }

  static Check catalog() {
    return AccessToken::allowsCatalog;
  }

  private String challenge(HttpServletRequest request, String scope, String error) {
    StringBuilder challenge =
        new StringBuilder("Bearer realm=\"")
            .append(realm(request))
            .append("\",service=\"")
            .append(settings.service())
            .append('"');
    if (scope != null) {
      challenge.append(",scope=\"").append(scope).append('"');
    }
    if (error != null) {
      challenge.append(",error=\"").append(error).append('"');
    }
    return challenge.toString();
  }

  /** Resolves a relative realm against the host the client used, so it works behind any port. */
  private String realm(HttpServletRequest request) {
    URI realm = settings.authRealm();
    if (realm.isAbsolute()) {
      return realm.toString();
    }
    String host = request.getHeader("Host");
    if (host == null || host.isBlank()) {
      host = request.getServerName() + ":" + request.getServerPort();
    }
    return request.getScheme() + "://" + host + realm;
  }
}
