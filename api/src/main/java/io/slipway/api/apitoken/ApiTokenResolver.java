package io.slipway.api.apitoken;

import io.slipway.api.identity.BearerSecret;
import io.slipway.api.identity.Identity;
import io.slipway.api.identity.TokenResolver;
import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Resolves user API tokens ({@code slw_...}) and records when each was last used. */
@Component
class ApiTokenResolver implements TokenResolver {

  private final ApiTokenRepository repository;
  private final Clock clock;

  ApiTokenResolver(ApiTokenRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
  }

  @Override
  public String prefix() {
    return BearerSecret.API_TOKEN;
  }

  @Override
  public Optional<Identity> resolve(String secret) {
    long now = clock.millis();
    return repository
        .findUsable(BearerSecret.sha256Hex(secret), now)
        .map(
            owner -> {
              repository.recordUse(owner.tokenId(), now);
              return Identity.user(
                  owner.userId(),
                  owner.username(),
                  owner.serverAdmin(),
                  Identity.Credential.API_TOKEN);
            });
  }
}
