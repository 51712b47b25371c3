package io.slipway.api.registry.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.slipway.api.identity.Identity;
import io.slipway.registry.auth.Scope;
import io.slipway.registry.auth.TokenVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs registry bearer tokens: ES256 JWTs with the claims that {@link TokenVerifier} checks. Safe
 * for concurrent use.
 */
public final class RegistryTokenIssuer {

  /** The {@code iss} claim of every token. */
  public static final String ISSUER = "slipway";

  /** The registry's service name: the {@code aud} claim and the {@code service} parameter. */
  public static final String SERVICE = "slipway-registry";

  /** How long a token stays valid. */
  public static final Duration LIFETIME = Duration.ofMinutes(5);

  private final TokenSigningKey key;
  private final ECDSASigner signer;
  private final Clock clock;

  public RegistryTokenIssuer(TokenSigningKey key, Clock clock) {
    this.key = key;
    this.clock = clock;
    try {
      this.signer = new ECDSASigner(key.privateKey());
    } catch (JOSEException e) {
      throw new IllegalStateException("Registry token signing key " + key + " is unusable", e);
    }
  }

  /**
   * A signed token and when it was issued.
   *
   * @param token the compact JWT; {@link #toString()} leaves it out
   */
  public record IssuedToken(String token, Instant issuedAt, Duration lifetime) {

    @Override
    public String toString() {
      return "IssuedToken[issuedAt=" + issuedAt + ", lifetime=" + lifetime + "]";
    }
  }

  /** Signs a token for {@code who} that grants {@code grants}. */
  public IssuedToken issue(Identity who, List<Scope> grants) {
    // JWT times have whole seconds; truncating keeps issued_at equal to the iat claim.
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(SERVICE)
            .subject(who.subject())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(LIFETIME)))
            .jwtID(UUID.randomUUID().toString())
            .claim(TokenVerifier.ACCESS_CLAIM, access(grants))
            .build();
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.ES256)
            .type(JOSEObjectType.JWT)
            .keyID(key.keyId())
            .build();

    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("Signing a registry token with " + key + " failed", e);
    }
    return new IssuedToken(jwt.serialize(), now, LIFETIME);
  }

  private static List<Map<String, Object>> access(List<Scope> grants) {
    return grants.stream()
        .map(
            grant ->
                Map.<String, Object>of(
                    "type", grant.type(),
                    "name", grant.name(),
                    "actions", List.copyOf(grant.actions())))
        .toList();
  }
}
