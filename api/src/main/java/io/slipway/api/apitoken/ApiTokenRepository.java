package io.slipway.api.apitoken;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
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

  /** A usable token as authentication needs it: its row id and its user. */
  public record TokenOwner(long tokenId, long userId, String username, boolean serverAdmin) {}

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
   * Stores a new token of user {@code userId}, whose name is {@code subject}.
   *
   * @param expiresAt expiry in milliseconds since the epoch, or null for a token that never expires
   * @return the row id
   * @throws org.springframework.dao.DuplicateKeyException when {@code subject} already has a token
   *     named {@code name}, or the hash is taken
   */
  public long insert(
      String name, long userId, String subject, String tokenHash, long createdAt, Long expiresAt) {
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(
            "INSERT INTO api_token (name, user_id, subject, token_hash, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")
        .params(name, userId, subject, tokenHash, createdAt, expiresAt)
        .update(keys, "id");
    return keys.getKey().longValue();
  }

  /**
   * Returns the owner of the token whose hash is {@code tokenHash} when the token is neither
   * revoked nor expired at {@code now} and its user is not disabled.
   */
  public Optional<TokenOwner> findUsable(String tokenHash, long now) {
    return jdbc.sql(
            "SELECT t.id, u.id AS user_id, u.username, u.server_admin FROM api_token t"
                + " JOIN app_user u ON u.id = t.user_id"
                + " WHERE t.token_hash = ? AND t.revoked_at IS NULL"
                + " AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled_at IS NULL")
        .params(tokenHash, now)
        .query(
            (row, number) ->
                new TokenOwner(
                    row.getLong("id"),
                    row.getLong("user_id"),
                    row.getString("username"),
                    row.getBoolean("server_admin")))
        .optional();
  }

  /**
   * A token as its owner sees it in a list; never the secret or its hash.
   *
   * @param expiresAt expiry, or null for a token that never expires
   * @param lastUsedAt last authentication with it, or null when it was never used
   */
  public record TokenSummary(
      long id, String name, long createdAt, Long expiresAt, Long lastUsedAt) {}

  /** Returns the tokens of user {@code userId} that are not revoked, newest first. */
  public List<TokenSummary> findActiveOfUser(long userId) {
    return jdbc.sql(
            "SELECT id, name, created_at, expires_at, last_used_at FROM api_token"
                + " WHERE user_id = ? AND revoked_at IS NULL ORDER BY id DESC")
        .param(userId)
        .query(
            (row, number) ->
                new TokenSummary(
                    row.getLong("id"),
                    row.getString("name"),
                    row.getLong("created_at"),
                    row.getObject("expires_at", Long.class),
                    row.getObject("last_used_at", Long.class)))
        .list();
  }

  /**
   * Revokes the token {@code id} of user {@code userId} at {@code now}.
   *
   * @return the token's name, or empty when the user has no such token that is not revoked
   */
  public Optional<String> revoke(long id, long userId, long now) {
    Optional<String> name =
        jdbc.sql("SELECT name FROM api_token WHERE id = ? AND user_id = ? AND revoked_at IS NULL")
            .params(id, userId)
            .query(String.class)
            .optional();
    if (name.isEmpty()) {
      return name;
    }
    int updated =
        jdbc.sql("UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .params(now, id)
            .update();
    return updated == 1 ? name : Optional.empty();
  }

  /** Revokes every token of user {@code userId}; returns how many were usable until now. */
  public int revokeAllOfUser(long userId, long now) {
    return jdbc.sql("UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
        .params(now, userId)
        .update();
  }

  /** Records that the token with row id {@code id} authenticated a request at {@code now}. */
  public void recordUse(long id, long now) {
    jdbc.sql("UPDATE api_token SET last_used_at = ? WHERE id = ?").params(now, id).update();
  }
}
