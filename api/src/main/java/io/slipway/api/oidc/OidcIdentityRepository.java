package io.slipway.api.oidc;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code oidc_identity} table: which Slipway user a provider account (issuer and subject) signs
 * in as. Times are milliseconds since the epoch. Safe for concurrent use.
 */
@Repository
class OidcIdentityRepository {

  private final JdbcClient jdbc;

  OidcIdentityRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Returns the id of the user linked to the account, if any. */
  Optional<Long> findUserId(String issuer, String subject) {
    return jdbc.sql("SELECT user_id FROM oidc_identity WHERE issuer = ? AND subject = ?")
        .params(issuer, subject)
        .query(Long.class)
        .optional();
  }

  /**
   * Links the account to {@code userId}.
   *
   * @throws org.springframework.dao.DuplicateKeyException when the account is already linked
   */
  void link(String issuer, String subject, long userId, String provider, long now) {
    jdbc.sql(
            "INSERT INTO oidc_identity (issuer, subject, user_id, provider, created_at,"
                + " last_login_at) VALUES (?, ?, ?, ?, ?, ?)")
        .params(issuer, subject, userId, provider, now, now)
        .update();
  }

  void touch(String issuer, String subject, long now) {
    jdbc.sql("UPDATE oidc_identity SET last_login_at = ? WHERE issuer = ? AND subject = ?")
        .params(now, issuer, subject)
        .update();
  }
}
