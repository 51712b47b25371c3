package io.slipway.api.oidc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code oidc_login_state} table, keyed by the SHA-256 hex of the state. Times are milliseconds
 * since the epoch. Safe for concurrent use: {@link #markUsed} lets exactly one caller consume a
 * state.
 */
@Repository
class LoginStateRepository {

  private final JdbcClient jdbc;

  LoginStateRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(String stateHash, LoginState state) {
    jdbc.sql(
            "INSERT INTO oidc_login_state (state_hash, provider, nonce, code_verifier,"
                + " redirect_uri, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(
            stateHash,
            state.provider(),
            state.nonce(),
            state.codeVerifier(),
            state.redirectUri(),
            state.createdAt(),
            state.expiresAt())
        .update();
  }

  Optional<LoginState> find(String stateHash) {
    return jdbc.sql(
            "SELECT provider, nonce, code_verifier, redirect_uri, created_at, expires_at, used_at"
                + " FROM oidc_login_state WHERE state_hash = ?")
        .param(stateHash)
        .query(LoginStateRepository::map)
        .optional();
  }

  /**
   * Marks the state used at {@code now} unless it already is.
   *
   * @return true for the one caller that marked it
   */
  boolean markUsed(String stateHash, long now) {
    return jdbc.sql(
                "UPDATE oidc_login_state SET used_at = ? WHERE state_hash = ? AND used_at IS NULL")
            .params(now, stateHash)
            .update()
        == 1;
  }

  /**
   * Deletes the states that expired before {@code cutoff}.
   *
   * @return how many were deleted
   */
  int deleteExpiredBefore(long cutoff) {
    return jdbc.sql("DELETE FROM oidc_login_state WHERE expires_at < ?").param(cutoff).update();
  }

  private static LoginState map(ResultSet row, int number) throws SQLException {
    return new LoginState(
        row.getString("provider"),
        row.getString("nonce"),
        row.getString("code_verifier"),
        row.getString("redirect_uri"),
        row.getLong("created_at"),
        row.getLong("expires_at"),
        row.getObject("used_at", Long.class));
  }
}
