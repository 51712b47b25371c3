package io.slipway.registry.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies registry bearer tokens with the issuer's public key alone.
 *
 * <p>A token is a JWT signed with ES256. Its claims are {@code iss} (the issuer), {@code aud} (the
 * registry's service name), {@code sub} (the identity), {@code iat}, {@code nbf}, {@code exp}, and
 * {@code access}: a list of objects {@code {"type": "repository", "name": "acme/app", "actions":
 * ["pull", "push"]}}, as in the Docker registry token protocol.
 *
 * <p>A verified token is remembered until it expires, because checking an ES256 signature costs
 * more than the rest of a registry request, and clients send the same token with every request of a
 * push or pull. The signature, issuer and audience of a token string cannot change, so only the
 * validity period is checked again on each use.
 *
 * <p>Instances are safe for concurrent use.
 */
public final class TokenVerifier {

  /** Name of the claim that contains the grants. */
  public static final String ACCESS_CLAIM = "access";

  private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  /** Most tokens remembered at once; past it, expired ones are dropped, then all if needed. */
  static final int MAX_REMEMBERED = 10_000;

  private final ECDSAVerifier verifier;
  private final String issuer;
  private final String service;
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  /** A token whose signature and claims verified, with its validity period. */
  private record Verified(AccessToken token, Instant notBefore) {}

  /**
   * @param publicKey the P-256 public key matching the issuer's signing key
   * @param issuer the expected {@code iss} claim
   * @param service the expected {@code aud} claim, the registry's service name
   */
  public TokenVerifier(ECPublicKey publicKey, String issuer, String service, Clock clock) {
    try {
      this.verifier = new ECDSAVerifier(publicKey);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("Token verification key is not a usable EC key", e);
    }
    this.issuer = issuer;
    this.service = service;
    this.clock = clock;
  }

  /**
   * Checks the signature, issuer, audience and validity period of {@code token} and returns its
   * grants.
   *
   * @throws InvalidTokenException naming the first check that failed
   */
  public AccessToken verify(String token) {
    Verified known = verified.get(token);
    if (known != null) {
      checkPeriod(known.token().expiresAt(), known.notBefore());
      return known.token();
    }
    SignedJWT jwt = parse(token);
    checkSignature(jwt);
    JWTClaimsSet claims = claims(jwt);
    checkIssuerAndAudience(claims);
    Instant expiresAt = checkValidity(claims);
    AccessToken accessToken = new AccessToken(claims.getSubject(), expiresAt, grants(claims));
    Date notBefore = claims.getNotBeforeTime();
    remember(token, new Verified(accessToken, notBefore == null ? null : notBefore.toInstant()));
    return accessToken;
  }

  private void remember(String token, Verified entry) {
    if (verified.size() >= MAX_REMEMBERED) {
      Instant now = clock.instant();
      verified.values().removeIf(old -> old.token().expiresAt().plus(CLOCK_SKEW).isBefore(now));
      if (verified.size() >= MAX_REMEMBERED) {
        verified.clear();
      }
    }
    verified.put(token, entry);
  }

  private static SignedJWT parse(String token) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("Bearer token is not a signed JWT; request a new one");
    }
    // A lenient decoder accepts several spellings of one part (unused trailing bits, padding).
    // Only the canonical spelling is accepted, so one token has one string, which the cache of
    // verified tokens relies on.
    for (Base64URL part : jwt.getParsedParts()) {
      if (!Base64URL.encode(part.decode()).toString().equals(part.toString())) {
        throw new InvalidTokenException(
            "Bearer token is not canonical base64url; request a new one");
      }
    }
    return jwt;
  }

  private void checkSignature(SignedJWT jwt) {
    if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
      throw new InvalidTokenException(
          "Bearer token uses algorithm " + jwt.getHeader().getAlgorithm() + ", expected ES256");
    }
    try {
      if (!jwt.verify(verifier)) {
        throw new InvalidTokenException("Bearer token signature does not verify");
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException("Bearer token signature could not be checked");
    }
  }

  private static JWTClaimsSet claims(SignedJWT jwt) {
    try {
      return jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidTokenException("Bearer token claims are not valid JSON");
    }
  }

  private void checkIssuerAndAudience(JWTClaimsSet claims) {
    if (!issuer.equals(claims.getIssuer())) {
      throw new InvalidTokenException(
          "Bearer token issuer '" + claims.getIssuer() + "' is unknown");
    }
    List<String> audience = claims.getAudience();
    if (audience == null || !audience.contains(service)) {
      throw new InvalidTokenException(
          "Bearer token is for audience " + audience + ", not this registry '" + service + "'");
    }
  }

  private Instant checkValidity(JWTClaimsSet claims) {
    Date expiration = claims.getExpirationTime();
    if (expiration == null) {
      throw new InvalidTokenException("Bearer token has no expiry");
    }
    Date notBefore = claims.getNotBeforeTime();
    checkPeriod(expiration.toInstant(), notBefore == null ? null : notBefore.toInstant());
    return expiration.toInstant();
  }

  private void checkPeriod(Instant expiresAt, Instant notBefore) {
    Instant now = clock.instant();
    if (expiresAt.plus(CLOCK_SKEW).isBefore(now)) {
      throw new InvalidTokenException("Bearer token expired at " + expiresAt);
    }
    if (notBefore != null && notBefore.minus(CLOCK_SKEW).isAfter(now)) {
      throw new InvalidTokenException("Bearer token is not valid before " + notBefore);
    }
  }

  private static List<Scope> grants(JWTClaimsSet claims) {
    Object access = claims.getClaim(ACCESS_CLAIM);
    if (!(access instanceof Collection<?> entries)) {
      return List.of();
    }
    List<Scope> grants = new ArrayList<>();
    for (Object entry : entries) {
      if (entry instanceof Map<?, ?> map
          && map.get("type") instanceof String type
          && map.get("name") instanceof String name
          && map.get("actions") instanceof Collection<?> actions) {
        grants.add(
            new Scope(type, name, Set.copyOf(actions.stream().map(String::valueOf).toList())));
      }
    }
    return grants;
  }
}
