package io.slipway.api.device;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code device_tag} table: named labels of a device with a value. Safe for concurrent use. */
@Repository
public class DeviceTagRepository {

  private final JdbcClient jdbc;

  public DeviceTagRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Returns the tags of device {@code deviceId}, ordered by name. */
  public Map<String, String> findByDevice(long deviceId) {
    Map<String, String> tags = new LinkedHashMap<>();
    jdbc.sql("SELECT name, val FROM device_tag WHERE device_id = ? ORDER BY name")
        .param(deviceId)
        .query(
            row -> {
              tags.put(row.getString("name"), row.getString("val"));
            });
    return tags;
  }

  /** Returns the tags of every tagged device of fleet {@code fleetId}, by device row id. */
  public Map<Long, Map<String, String>> findByFleet(long fleetId) {
    Map<Long, Map<String, String>> tags = new HashMap<>();
    jdbc.sql(
            "SELECT t.device_id, t.name, t.val FROM device_tag t JOIN device d ON d.id = t.device_id"
                + " WHERE d.fleet_id = ? ORDER BY t.device_id, t.name")
        .param(fleetId)
        .query(
            row -> {
              tags.computeIfAbsent(row.getLong("device_id"), id -> new LinkedHashMap<>())
                  .put(row.getString("name"), row.getString("val"));
            });
    return tags;
  }

  /** Returns the UUIDs of devices of fleet {@code fleetId} tagged {@code name}, with any value. */
  public List<String> findDevicesTagged(long fleetId, String name) {
    return jdbc.sql(
            "SELECT d.uuid FROM device d JOIN device_tag t ON t.device_id = d.id"
                + " WHERE d.fleet_id = ? AND t.name = ? ORDER BY d.uuid")
        .params(fleetId, name)
        .query(String.class)
        .list();
  }

  /** Sets tag {@code name} of device {@code deviceId}; true when it was created. */
  public boolean put(long deviceId, String name, String value, long now) {
    int updated =
        jdbc.sql("UPDATE device_tag SET val = ?, updated_at = ? WHERE device_id = ? AND name = ?")
            .params(value, now, deviceId, name)
            .update();
    if (updated > 0) {
      return false;
    }
    try {
      jdbc.sql("INSERT INTO device_tag (device_id, name, val, updated_at) VALUES (?, ?, ?, ?)")
          .params(deviceId, name, value, now)
          .update();
      return true;
    } catch (DuplicateKeyException e) {
      // A concurrent request created it first; the later value wins, as with two updates.
      jdbc.sql("UPDATE device_tag SET val = ?, updated_at = ? WHERE device_id = ? AND name = ?")
          .params(value, now, deviceId, name)
          .update();
      return false;
    }
  }

  /** Deletes tag {@code name} of device {@code deviceId}; true when it existed. */
  public boolean delete(long deviceId, String name) {
    return jdbc.sql("DELETE FROM device_tag WHERE device_id = ? AND name = ?")
            .params(deviceId, name)
            .update()
        > 0;
  }
}
