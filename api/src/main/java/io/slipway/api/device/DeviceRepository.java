package io.slipway.api.device;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
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
