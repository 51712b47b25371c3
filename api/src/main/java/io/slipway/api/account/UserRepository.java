package io.slipway.api.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/**
 * The {@code app_user} table. Times are milliseconds since the epoch. Safe for concurrent use; each
 * method is one statement.
 */
@Repository
public class UserRepository {

  private static final String COLUMNS =
      "id, username, email, server_admin, totp_enabled, created_at, disabled_at";

  private final JdbcClient jdbc;

  public UserRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Inserts a user and returns its row id.
   *
   * @param passwordHash encoded password, or null for an account that signs in otherwise
   * @throws org.springframework.dao.DuplicateKeyException when {@code username} is taken
   */
  public long insert(
      String username, String email, String passwordHash, boolean serverAdmin, long createdAt) {
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(
            "INSERT INTO app_user (username, email, password_hash, server_admin, created_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .params(username, email, passwordHash, serverAdmin, createdAt)
        .update(keys, "id");
    return keys.getKey().longValue();
  }

  public Optional<User> findById(long id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE id = ?")
        .param(id)
        .query(UserRepository::map)
        .optional();
  }

  public Optional<User> findByUsername(String username) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM app_user WHERE username = ?")
        .param(username)
        .query(UserRepository::map)
        .optional();
  }

  /** Returns every user, ordered by user name. */
  public List<User> findAll() {
    return jdbc.sql("SELECT " + COLUMNS + " FROM app_user ORDER BY username")
        .query(UserRepository::map)
        .list();
  }

  /** Returns the stored password hash of the user, empty when the user has none. */
  public Optional<String> findPasswordHash(long userId) {
    return jdbc.sql("SELECT password_hash FROM app_user WHERE id = ?")
        .param(userId)
        .query(String.class)
        .optional();
  }

  /** Stores a new password hash of the user, changed at {@code now}. */
  public void updatePasswordHash(long userId, String passwordHash, long now) {
    jdbc.sql("UPDATE app_user SET password_hash = ?, password_changed_at = ? WHERE id = ?")
        .params(passwordHash, now, userId)
        .update();
  }

  /**
   * Disables the user at {@code disabledAt}, or enables it when that is null.
   *
   * @return false when no user has that id
   */
  public boolean updateDisabledAt(long userId, Long disabledAt) {
    return jdbc.sql("UPDATE app_user SET disabled_at = ? WHERE id = ?")
            .params(disabledAt, userId)
            .update()
        == 1;
  }

  static User map(ResultSet row, int number) throws SQLException {
    return new User(
        row.getLong("id"),
        row.getString("username"),
        row.getString("email"),
        row.getBoolean("server_admin"),
        row.getBoolean("totp_enabled"),
        row.getLong("created_at"),
        row.getObject("disabled_at", Long.class));
  }
}
