package io.slipway.api.account.sshkey;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/**
 * The {@code ssh_key} table. Times are milliseconds since the epoch. Safe for concurrent use; each
 * method is one statement.
 */
@Repository
public class SshKeyRepository {

  /** A stored key; {@code publicKey} is the OpenSSH line without its comment. */
  public record StoredSshKey(
      long id,
      long userId,
      String name,
      String keyType,
      int bits,
      String publicKey,
      String fingerprint,
      long createdAt) {}

  private static final String COLUMNS =
      "id, user_id, name, key_type, bits, public_key, fingerprint, created_at";

  private final JdbcClient jdbc;

  SshKeyRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Stores a key of user {@code userId} and returns its row id.
   *
   * @throws org.springframework.dao.DuplicateKeyException when any user has the key already
   */
  long insert(long userId, String name, SshPublicKey key, long now) {
    SshPublicKey withoutComment = new SshPublicKey(key.type(), key.blob(), key.bits(), "");
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(
            "INSERT INTO ssh_key (user_id, name, key_type, bits, public_key, fingerprint,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(
            userId,
            name,
            key.type().wireName(),
            key.bits(),
            withoutComment.toOpenSsh(),
            key.fingerprint(),
            now)
        .update(keys, "id");
    return keys.getKey().longValue();
  }

  /** Returns the keys of user {@code userId}, oldest first. */
  public List<StoredSshKey> findByUser(long userId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM ssh_key WHERE user_id = ? ORDER BY id")
        .param(userId)
        .query(StoredSshKey.class)
        .list();
  }

  /** Returns the key with {@code fingerprint}, of any user. */
  public Optional<StoredSshKey> findByFingerprint(String fingerprint) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM ssh_key WHERE fingerprint = ?")
        .param(fingerprint)
        .query(StoredSshKey.class)
        .optional();
  }

  Optional<StoredSshKey> findOfUser(long id, long userId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM ssh_key WHERE id = ? AND user_id = ?")
        .params(id, userId)
        .query(StoredSshKey.class)
        .optional();
  }

  /** Deletes key {@code id} of user {@code userId}; returns false when there is no such key. */
  boolean delete(long id, long userId) {
    return jdbc.sql("DELETE FROM ssh_key WHERE id = ? AND user_id = ?").params(id, userId).update()
        == 1;
  }
}
