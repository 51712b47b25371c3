package io.slipway.api.account.session;

import io.slipway.api.identity.BearerSecret;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Issues and revokes session tokens ({@code sls_...}), the bearer secrets a user receives at
 * sign-in. Only their SHA-256 is stored. Safe for concurrent use.
 */
@Service
public class SessionService {

  /** How long a session lasts from sign-in. */
  public static final Duration LIFETIME = Duration.ofHours(12);

  private final JdbcClient jdbc;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public SessionService(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * A new session as shown to the user once.
   *
   * @param token the session token; {@link #toString()} masks it
   * @param expiresAt expiry, milliseconds since the epoch
   */
  public record IssuedSession(BearerSecret token, long expiresAt) {}

  /**
   * Starts a session for {@code userId}.
   *
   * @param method how the user signed in, such as {@code password} or {@code oidc:<provider>}
   */
  public IssuedSession issue(long userId, String method) {
    BearerSecret token = BearerSecret.generate(BearerSecret.SESSION, random);
    long now = clock.millis();
    long expiresAt = now + LIFETIME.toMillis();
    jdbc.sql(
            "INSERT INTO user_session (user_id, token_hash, method, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .params(userId, token.sha256Hex(), method, now, expiresAt)
        .update();
    return new IssuedSession(token, expiresAt);
  }

  /** Ends the session whose token is {@code secret}; does nothing for an unknown token. */
  public void revoke(String secret) {
    jdbc.sql("UPDATE user_session SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL")
        .params(clock.millis(), BearerSecret.sha256Hex(secret))
        .update();
  }

  /** Ends every session of {@code userId}, for example when the account is disabled. */
  public void revokeAll(long userId) {
    jdbc.sql("UPDATE user_session SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
        .params(clock.millis(), userId)
        .update();
  }
}
