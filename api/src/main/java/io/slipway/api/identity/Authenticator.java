package io.slipway.api.identity;

import io.slipway.api.error.UnauthorizedException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Service;

/**
 * Finds out who sent a request from its {@code Authorization} header: {@code Bearer <secret>}, or
 * HTTP Basic with the secret as the password and its owner (user name or device UUID) as the user
 * name. The secret's prefix picks the {@link TokenResolver}. Safe for concurrent use.
 */
@Service
public class Authenticator {

  /** Request attribute under which the identity of the current request is kept once known. */
  public static final String IDENTITY_ATTRIBUTE = Authenticator.class.getName() + ".identity";

  private static final String BEARER = "bearer ";

  private final Map<String, TokenResolver> resolvers;

  public Authenticator(List<TokenResolver> resolvers) {
    this.resolvers =
        resolvers.stream().collect(Collectors.toUnmodifiableMap(TokenResolver::prefix, r -> r));
  }

  /**
   * Returns the identity of {@code request}, authenticating it on the first call and remembering
   * the result for the rest of the request.
   *
   * @return {@link Identity#anonymous()} when the request carries no credentials
   * @throws UnauthorizedException when it carries credentials that prove nothing
   */
  public Identity authenticate(HttpServletRequest request) {
    Object known = request.getAttribute(IDENTITY_ATTRIBUTE);
    if (known instanceof Identity identity) {
      return identity;
    }

    Identity identity = authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
    request.setAttribute(IDENTITY_ATTRIBUTE, identity);
    return identity;
  }

  /**
   * Returns the identity that an {@code Authorization} header value proves.
   *
   * @param header the header value, or {@code null} when the request has none
   * @throws UnauthorizedException for an unknown scheme or credentials that prove nothing
   */
  public Identity authenticate(String header) {
    if (header == null || header.isBlank()) {
      return Identity.anonymous();
    }
    if (header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return bySecret(header.substring(BEARER.length()).strip());
    }

    Optional<BasicCredentials> basic = BasicCredentials.fromAuthorizationHeader(header);
    if (basic.isEmpty()) {
      throw new UnauthorizedException(
          "Unsupported Authorization scheme: send 'Bearer <token>' or HTTP Basic with the token"
              + " as the password");
    }
    return authenticate(basic.get());
  }

  /**
   * Returns the identity that HTTP Basic credentials prove: the password is a Slipway secret and
   * the user name must be its owner's name (user name, or UUID for a device key). A builder secret
   * is accepted with any user name, because build engines send whatever name they were given.
   *
   * @throws UnauthorizedException when the secret proves nothing or belongs to someone else
   */
  public Identity authenticate(BasicCredentials credentials) {
    Identity identity = bySecret(credentials.password());
    if (identity.kind() == Identity.Kind.BUILDER) {
      return identity;
    }
    if (!identity.subject().equals(credentials.username())) {
      // The presented name is not repeated: it may be a secret typed into the wrong field.
      throw new UnauthorizedException(
          "Invalid credentials: the user name does not match the token's owner; send your own"
              + " user name (or the device UUID for a device key) with the token");
    }
    return identity;
  }

  /**
   * Returns the secret that {@code request} presented in its {@code Authorization} header: the
   * Bearer token, or the HTTP Basic password. For the few endpoints that must hand the caller's own
   * device key on, such as to the control channel's broker; the caller must not store or log it.
   *
   * @return empty when the request has no such header
   */
  public static Optional<String> presentedSecret(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    if (header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.of(header.substring(BEARER.length()).strip());
    }
    return BasicCredentials.fromAuthorizationHeader(header).map(BasicCredentials::password);
  }

  private Identity bySecret(String secret) {
    TokenResolver resolver = resolverFor(secret);
    if (resolver == null) {
      throw new UnauthorizedException(
          "Invalid credentials: the secret is not a Slipway token; send an API token (slw_...),"
              + " a session token (sls_...), a device key (sld_...) or a provisioning key"
              + " (slp_...)");
    }
    return resolver
        .resolve(secret)
        .orElseThrow(() -> new UnauthorizedException(unknownSecretMessage(resolver.prefix())));
  }

  /**
   * Returns the message for a secret that matches no usable credential. It names no reason, so that
   * it does not tell whether the secret ever existed.
   */
  private static String unknownSecretMessage(String prefix) {
    if (BearerSecret.DEVICE_KEY.equals(prefix)) {
      // A device cannot create a key of its own: after a revocation only a new registration helps.
      return "Invalid credentials: the device key is unknown or was revoked. A device whose key"
          + " was revoked must be deleted and registered again.";
    }
    return "Invalid credentials: the "
        + describe(prefix)
        + " is unknown, revoked or expired; create a new one";
  }

  private TokenResolver resolverFor(String secret) {
    int underscore = secret.indexOf('_');
    if (underscore <= 0) {
      return null;
    }
    return resolvers.get(secret.substring(0, underscore + 1).toLowerCase(Locale.ROOT));
  }

  private static String describe(String prefix) {
    return switch (prefix) {
      case "slw_" -> "API token";
      case "sls_" -> "session token";
      case "sld_" -> "device key";
      case "slp_" -> "provisioning key";
      case "slb_" -> "builder secret";
      default -> "token";
    };
  }
}
