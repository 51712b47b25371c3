package io.slipway.api.account.session;

import io.slipway.api.identity.BearerSecret;
import io.slipway.api.identity.Identity;
import io.slipway.api.identity.TokenResolver;
import java.time.Clock;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Resolves session tokens of users whose account is not disabled. */
@Component
class SessionTokenResolver implements TokenResolver {

  private final JdbcClient jdbc;
  private final Clock clock;

  SessionTokenResolver(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @Override
  public String prefix() {
    return BearerSecret.SESSION;
  }

  @Override
  public Optional<Identity> resolve(String secret) {
    return jdbc.sql(
            "SELECT u.id, u.username, u.server_admin FROM user_session s"
                + " JOIN app_user u ON u.id = s.user_id"
                + " WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?"
                + " AND u.disabled_at IS NULL")
        .params(BearerSecret.sha256Hex(secret), clock.millis())
        .query(
            (row, number) ->
                Identity.user(
                    row.getLong("id"),
                    row.getString("username"),
                    row.getBoolean("server_admin"),
                    Identity.Credential.SESSION))
        .optional();
  }
}
