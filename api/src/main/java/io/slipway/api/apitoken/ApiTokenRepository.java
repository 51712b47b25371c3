package io.slipway.api.apitoken;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code api_token} table. Times are milliseconds since the epoch. Safe for concurrent use;
 * each method is one statement.
 */
@Repository
public class ApiTokenRepository {

  private final JdbcClient jdbc;

  public ApiTokenRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A stored token as authentication needs it: its row id and hash. */
  public record StoredApiToken(long id, String tokenHash) {}

  /** Returns true when any token, usable or not, was ever issued to {@code subject}. */
  public boolean existsForSubject(String subject) {
    long count =
        jdbc.sql("SELECT COUNT(*) FROM api_token WHERE subject = ?")
            .param(subject)
            .query(Long.class)
            .single();
    return count > 0;
  }

  /**
   * Stores a new token.
   *
   * @throws org.springframework.dao.DuplicateKeyException when {@code subject} already has a token
   *     named {@code name}, or the hash is taken
   */
  public void insert(String name, String subject, String tokenHash, long createdAt) {
    jdbc.sql("INSERT INTO api_token (name, subject, token_hash, created_at) VALUES (?, ?, ?, ?)")
        .params(name, subject, tokenHash, createdAt)
        .update();
  }

  /** Returns the tokens of {@code subject} that are neither revoked nor expired at {@code now}. */
  public List<StoredApiToken> findUsable(String subject, long now) {
    return jdbc.sql(
            "SELECT id, token_hash FROM api_token WHERE subject = ? AND revoked_at IS NULL"
                + " AND (expires_at IS NULL OR expires_at > ?)")
        .params(subject, now)
        .query((row, number) -> new StoredApiToken(row.getLong("id"), row.getString("token_hash")))
        .list();
  }

  /** Records that the token with row id {@code id} authenticated a request at {@code now}. */
  public void recordUse(long id, long now) {
    jdbc.sql("UPDATE api_token SET last_used_at = ? WHERE id = ?").params(now, id).update();
  }
}
