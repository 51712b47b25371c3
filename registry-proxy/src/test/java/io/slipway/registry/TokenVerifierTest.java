package io.slipway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.registry.auth.AccessToken;
import io.slipway.registry.auth.InvalidTokenException;
import io.slipway.registry.auth.Scope;
import io.slipway.registry.auth.TokenVerifier;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {

  private final KeyPair keys = RegistryFixture.generateKeys();
  private final MutableClock clock = new MutableClock(Instant.now());
  private final TokenVerifier verifier =
      new TokenVerifier(
          (ECPublicKey) keys.getPublic(), RegistryFixture.ISSUER, RegistryFixture.SERVICE, clock);

  private String token(Instant expiry) {
    return RegistryFixture.sign(
        keys,
        RegistryFixture.ISSUER,
        RegistryFixture.SERVICE,
        expiry,
        Scope.repository("acme/app", "pull"));
  }

  @Test
  void rememberedTokenVerifiesAgain() {
    String token = token(clock.instant().plusSeconds(300));

    AccessToken first = verifier.verify(token);
    AccessToken second = verifier.verify(token);

    assertThat(second).isEqualTo(first);
    assertThat(second.allows("acme/app", "pull")).isTrue();
  }

  @Test
  void rememberedTokenStillExpires() {
    String token = token(clock.instant().plusSeconds(60));
    verifier.verify(token);

    clock.advance(Duration.ofMinutes(5));

    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void alteredCopyOfRememberedTokenIsRejected() {
    String token = token(clock.instant().plusSeconds(300));
    verifier.verify(token);
    String[] parts = token.split("\\.");
    String altered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

    assertThatThrownBy(() -> verifier.verify(altered)).isInstanceOf(InvalidTokenException.class);
  }

  /** A clock that tests move forward by hand. */
  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration step) {
      now = now.plus(step);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
