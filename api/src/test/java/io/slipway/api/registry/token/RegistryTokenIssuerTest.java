package io.slipway.api.registry.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import io.slipway.api.identity.Identity;
import io.slipway.registry.auth.AccessToken;
import io.slipway.registry.auth.Scope;
import io.slipway.registry.auth.TokenVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryTokenIssuerTest {

  private static final Identity ADMIN =
      Identity.user(1, "admin", true, Identity.Credential.API_TOKEN);

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final TokenSigningKey key = TokenSigningKey.generate();
  private final RegistryTokenIssuer issuer = new RegistryTokenIssuer(key, CLOCK);
  private final TokenVerifier verifier =
      new TokenVerifier(key.publicKey(), "slipway", "slipway-registry", CLOCK);

  @Test
  void issuedTokenVerifiesWithGrants() {
    List<Scope> grants =
        List.of(Scope.repository("acme/app", "pull", "push"), Scope.parse("registry:catalog:*"));

    RegistryTokenIssuer.IssuedToken issued = issuer.issue(ADMIN, grants);
    AccessToken verified = verifier.verify(issued.token());

    assertThat(verified.subject()).isEqualTo("admin");
    assertThat(verified.grants()).containsExactlyInAnyOrderElementsOf(grants);
    assertThat(verified.allows("acme/app", "push")).isTrue();
    assertThat(verified.allowsCatalog()).isTrue();
  }

  @Test
  void tokenExpiresAfterFiveMinutes() {
    RegistryTokenIssuer.IssuedToken issued = issuer.issue(ADMIN, List.of());

    assertThat(verifier.verify(issued.token()).expiresAt())
        .isEqualTo(NOW.plus(Duration.ofMinutes(5)));
    assertThat(issued.issuedAt()).isEqualTo(NOW);
  }

  @Test
  void tokenIsRejectedOnceExpired() {
    RegistryTokenIssuer.IssuedToken issued = issuer.issue(ADMIN, List.of());
    TokenVerifier later =
        new TokenVerifier(
            key.publicKey(),
            "slipway",
            "slipway-registry",
            Clock.fixed(NOW.plus(Duration.ofMinutes(10)), ZoneOffset.UTC));

    assertThatThrownBy(() -> later.verify(issued.token())).hasMessageContaining("expired");
  }

  @Test
  void headerNamesKeyAndAlgorithm() throws Exception {
    SignedJWT jwt = SignedJWT.parse(issuer.issue(ADMIN, List.of()).token());

    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(key.keyId());
  }

  @Test
  void claimsCarryUniqueIdAndValidityWindow() throws Exception {
    SignedJWT first = SignedJWT.parse(issuer.issue(ADMIN, List.of()).token());
    SignedJWT second = SignedJWT.parse(issuer.issue(ADMIN, List.of()).token());

    assertThat(first.getJWTClaimsSet().getJWTID())
        .isNotEqualTo(second.getJWTClaimsSet().getJWTID());
    assertThat(first.getJWTClaimsSet().getNotBeforeTime().toInstant()).isEqualTo(NOW);
    assertThat(first.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(NOW);
  }
}
