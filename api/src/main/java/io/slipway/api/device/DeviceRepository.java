package io.slipway.api.device;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** The {@code device} table. Safe for concurrent use; each method is one statement. */
@Repository
public class DeviceRepository {

  static final String COLUMNS =
      "id, uuid, fleet_id, name, approved, status, os_version, addresses, pinned_release_id,"
          + " rollout_release_id, target_version, created_at, last_seen_at";

  private final JdbcClient jdbc;

  public DeviceRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A device found by its key, with what authentication needs. */
  public record KeyOwner(
      long deviceId, String uuid, long fleetId, boolean approved, Long lastSeen) {}

  public Optional<Device> findById(long id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM device WHERE id = ?")
        .param(id)
        .query(DeviceRepository::map)
        .optional();
  }

  public Optional<Device> findByUuid(String uuid) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM device WHERE uuid = ?")
        .param(uuid)
        .query(DeviceRepository::map)
        .optional();
  }

  /** Returns the devices of {@code fleetId}, ordered by UUID. */
  public List<Device> findByFleet(long fleetId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM device WHERE fleet_id = ? ORDER BY uuid")
        .param(fleetId)
        .query(DeviceRepository::map)
        .list();
  }

  /** Returns the device whose key hashes to {@code keyHash}. */
  public Optional<KeyOwner> findByKeyHash(String keyHash) {
    return jdbc.sql(
            "SELECT id, uuid, fleet_id, approved, last_seen_at FROM device WHERE key_hash = ?")
        .param(keyHash)
        .query(
            (row, number) ->
                new KeyOwner(
                    row.getLong("id"),
                    row.getString("uuid"),
                    row.getLong("fleet_id"),
                    row.getBoolean("approved"),
                    row.getObject("last_seen_at", Long.class)))
        .optional();
  }

  /** Records that the device called the server at {@code now}. */
  public void touch(long deviceId, long now) {
    jdbc.sql("UPDATE device SET last_seen_at = ? WHERE id = ?").params(now, deviceId).update();
  }

  /** Adds one to the device's target version, so that its cached target state expires. */
  public void bumpTargetVersion(long deviceId) {
    jdbc.sql("UPDATE device SET target_version = target_version + 1 WHERE id = ?")
        .param(deviceId)
        .update();
  }

  /**
   * What registration needs to know about a device that already has a UUID.
   *
   * @param id row id
   * @param fleetId its fleet
   * @param provisioningKeyId the key that registered it, or null when that key was deleted
   * @param approved whether its key works
   * @param createdAt its first registration, milliseconds since the epoch
   * @param lastSeenAt when its key last authenticated a request, or null when never
   * @param keyHash SHA-256 hex of its current device key
   */
  public record RegistrationRecord(
      long id,
      long fleetId,
      Long provisioningKeyId,
      boolean approved,
      long createdAt,
      Long lastSeenAt,
      String keyHash) {}

  /**
   * Returns the registration facts of the device with {@code uuid} and, inside a transaction, locks
   * its row until commit, so that two retries of one registration take turns.
   */
  public Optional<RegistrationRecord> findRegistration(String uuid) {
    return jdbc.sql(
            "SELECT id, fleet_id, provisioning_key_id, approved, created_at, last_seen_at,"
                + " key_hash FROM device WHERE uuid = ? FOR UPDATE")
        .param(uuid)
        .query(
            (row, number) ->
                new RegistrationRecord(
                    row.getLong("id"),
                    row.getLong("fleet_id"),
                    row.getObject("provisioning_key_id", Long.class),
                    row.getBoolean("approved"),
                    row.getLong("created_at"),
                    row.getObject("last_seen_at", Long.class),
                    row.getString("key_hash")))
        .optional();
  }

  /**
   * Inserts a registered device and returns its row id.
   *
   * @throws org.springframework.dao.DuplicateKeyException when the UUID is taken
   */
  public long insert(
      String uuid,
      long fleetId,
      String name,
      String deviceType,
      String osVersion,
      String keyHash,
      long provisioningKeyId,
      boolean approved,
      long createdAt) {
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(
            "INSERT INTO device (uuid, fleet_id, name, device_type, os_version, key_hash,"
                + " provisioning_key_id, approved, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            uuid,
            fleetId,
            name,
            deviceType,
            osVersion,
            keyHash,
            provisioningKeyId,
            approved,
            createdAt)
        .update(keys, "id");
    return keys.getKey().longValue();
  }

  /**
   * Replaces the key of device {@code id}, so that only the new one works; keeps the OS version
   * when {@code osVersion} is null.
   */
  public void replaceKey(long id, String keyHash, String osVersion) {
    jdbc.sql("UPDATE device SET key_hash = ?, os_version = COALESCE(?, os_version) WHERE id = ?")
        .params(keyHash, osVersion, id)
        .update();
  }

  /**
   * Revokes the key of device {@code id} at {@code now}: clears its hash so no request can match
   * it. Returns false when the device had no key or is gone.
   */
  public boolean revokeKey(long id, long now) {
    return jdbc.sql(
                "UPDATE device SET key_hash = NULL, key_revoked_at = ?"
                    + " WHERE id = ? AND key_hash IS NOT NULL")
            .params(now, id)
            .update()
        == 1;
  }

  /** Approves device {@code id}; false when it was approved already or is gone. */
  public boolean approve(long id) {
    return jdbc.sql("UPDATE device SET approved = TRUE WHERE id = ? AND approved = FALSE")
            .param(id)
            .update()
        == 1;
  }

  /** Returns the device type that device {@code id} declared, if any. */
  public Optional<String> findDeviceType(long id) {
    return jdbc.sql("SELECT device_type FROM device WHERE id = ?")
        .param(id)
        .query((row, number) -> Optional.ofNullable(row.getString("device_type")))
        .optional()
        .flatMap(type -> type);
  }

  /** Returns the declared device type of each device of fleet {@code fleetId}, by row id. */
  public Map<Long, String> findDeviceTypesByFleet(long fleetId) {
    Map<Long, String> types = new HashMap<>();
    jdbc.sql("SELECT id, device_type FROM device WHERE fleet_id = ? AND device_type IS NOT NULL")
        .param(fleetId)
        .query(
            row -> {
              types.put(row.getLong("id"), row.getString("device_type"));
            });
    return types;
  }

  /**
   * Sets the fields a device reports about itself and a user may rename; a null argument keeps the
   * stored value.
   */
  public void updateMetadata(
      long id, String name, String osVersion, String addresses, String status) {
    jdbc.sql(
            "UPDATE device SET name = COALESCE(?, name), os_version = COALESCE(?, os_version),"
                + " addresses = COALESCE(?, addresses), status = COALESCE(?, status)"
                + " WHERE id = ?")
        .params(name, osVersion, addresses, status, id)
        .update();
  }

  /** Deletes device {@code id} with its variables and tags; false when it was already gone. */
  public boolean delete(long id) {
    return jdbc.sql("DELETE FROM device WHERE id = ?").param(id).update() == 1;
  }

  static Device map(ResultSet row, int number) throws SQLException {
    return new Device(
        row.getLong("id"),
        row.getString("uuid"),
        row.getLong("fleet_id"),
        row.getString("name"),
        row.getBoolean("approved"),
        row.getString("status"),
        row.getString("os_version"),
        row.getString("addresses"),
        row.getObject("pinned_release_id", Long.class),
        row.getObject("rollout_release_id", Long.class),
        row.getLong("target_version"),
        row.getLong("created_at"),
        row.getObject("last_seen_at", Long.class));
  }
}
