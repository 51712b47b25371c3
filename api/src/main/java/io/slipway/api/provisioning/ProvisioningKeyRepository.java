package io.slipway.api.provisioning;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** The {@code provisioning_key} table. Safe for concurrent use; each method is one statement. */
@Repository
public class ProvisioningKeyRepository {

  private static final String COLUMNS =
      "id, fleet_id, name, created_by, created_at, expires_at, max_uses, use_count,"
          + " last_used_at, revoked_at";

  private final JdbcClient jdbc;

  public ProvisioningKeyRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Stores a new key and returns its row id.
   *
   * @throws org.springframework.dao.DuplicateKeyException when the fleet has a key of that name
   */
  public long insert(
      long fleetId,
      String name,
      String keyHash,
      String createdBy,
      long createdAt,
      Long expiresAt,
      Long maxUses) {
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(
            "INSERT INTO provisioning_key (fleet_id, name, key_hash, created_by, created_at,"
                + " expires_at, max_uses) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(fleetId, name, keyHash, createdBy, createdAt, expiresAt, maxUses)
        .update(keys, "id");
    return keys.getKey().longValue();
  }

  /** Returns the keys of fleet {@code fleetId}, revoked ones included, oldest first. */
  public List<ProvisioningKey> findByFleet(long fleetId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM provisioning_key WHERE fleet_id = ? ORDER BY id")
        .param(fleetId)
        .query((row, number) -> read(row))
        .list();
  }

  /** Returns the key with row id {@code id}. */
  public Optional<ProvisioningKey> findById(long id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM provisioning_key WHERE id = ?")
        .param(id)
        .query((row, number) -> read(row))
        .optional();
  }

  /**
   * Returns key {@code id} and, inside a transaction, locks its row until commit, so that the
   * registrations made with one key run one after the other.
   */
  public Optional<ProvisioningKey> findByIdForUpdate(long id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM provisioning_key WHERE id = ? FOR UPDATE")
        .param(id)
        .query((row, number) -> read(row))
        .optional();
  }

  /** Returns the key whose secret hashes to {@code keyHash}, in any state. */
  public Optional<ProvisioningKey> findByHash(String keyHash) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM provisioning_key WHERE key_hash = ?")
        .param(keyHash)
        .query((row, number) -> read(row))
        .optional();
  }

  /**
   * Counts one use of key {@code id} if it is still usable at {@code now}. The check and the
   * increment are one conditional UPDATE, so concurrent registrations never exceed {@code
   * max_uses}.
   *
   * @return true when the use was counted, false when the key is revoked, expired or used up
   */
  public boolean tryUse(long id, long now) {
    return jdbc.sql(
                "UPDATE provisioning_key SET use_count = use_count + 1, last_used_at = ?"
                    + " WHERE id = ? AND revoked_at IS NULL"
                    + " AND (expires_at IS NULL OR expires_at > ?)"
                    + " AND (max_uses IS NULL OR use_count < max_uses)")
            .params(now, id, now)
            .update()
        == 1;
  }

  /** Records that key {@code id} let a device retry its registration at {@code now}. */
  public void touch(long id, long now) {
    jdbc.sql("UPDATE provisioning_key SET last_used_at = ? WHERE id = ?").params(now, id).update();
  }

  /** Revokes key {@code id} of fleet {@code fleetId}; false when no such unrevoked key exists. */
  public boolean revoke(long fleetId, long id, long now) {
    return jdbc.sql(
                "UPDATE provisioning_key SET revoked_at = ? WHERE id = ? AND fleet_id = ?"
                    + " AND revoked_at IS NULL")
            .params(now, id, fleetId)
            .update()
        == 1;
  }

  private static ProvisioningKey read(ResultSet row) throws SQLException {
    return new ProvisioningKey(
        row.getLong("id"),
        row.getLong("fleet_id"),
        row.getString("name"),
        row.getString("created_by"),
        row.getLong("created_at"),
        row.getObject("expires_at", Long.class),
        row.getObject("max_uses", Long.class),
        row.getLong("use_count"),
        row.getObject("last_used_at", Long.class),
        row.getObject("revoked_at", Long.class));
  }
}
