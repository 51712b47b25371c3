package io.slipway.api.control.channel;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The control channel's switches: {@code fleet.control_channel}, and {@code device.control_channel}
 * with {@code device.control_channel_until}. Safe for concurrent use; each method is one statement.
 */
@Repository
class ChannelRepository {

  private static final String SETTING_COLUMNS =
      "d.id, d.uuid, d.fleet_id, d.approved, d.control_channel, d.control_channel_until,"
          + " f.control_channel AS fleet_channel, f.organization_id";

  private static final String SETTING_JOIN = " FROM device d JOIN fleet f ON f.id = d.fleet_id";

  private final JdbcClient jdbc;

  ChannelRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * A device with its channel switches and what admission needs.
   *
   * @param deviceId row id
   * @param uuid the device's UUID
   * @param fleetId its fleet
   * @param organizationId its fleet's organization
   * @param approved whether its key works
   * @param setting its switches
   */
  record DeviceChannel(
      long deviceId,
      String uuid,
      long fleetId,
      long organizationId,
      boolean approved,
      ChannelSetting setting) {}

  /** Returns the switches of device {@code deviceId}, or empty when it is gone. */
  Optional<DeviceChannel> findByDevice(long deviceId) {
    return jdbc.sql("SELECT " + SETTING_COLUMNS + SETTING_JOIN + " WHERE d.id = ?")
        .param(deviceId)
        .query(ChannelRepository::map)
        .optional();
  }

  /** Returns the device whose key hashes to {@code keyHash}, with its switches. */
  Optional<DeviceChannel> findByKeyHash(String keyHash) {
    return jdbc.sql("SELECT " + SETTING_COLUMNS + SETTING_JOIN + " WHERE d.key_hash = ?")
        .param(keyHash)
        .query(ChannelRepository::map)
        .optional();
  }

  /** Returns every device of fleet {@code fleetId} with its switches. */
  List<DeviceChannel> findByFleet(long fleetId) {
    return jdbc.sql("SELECT " + SETTING_COLUMNS + SETTING_JOIN + " WHERE d.fleet_id = ?")
        .param(fleetId)
        .query(ChannelRepository::map)
        .list();
  }

  /** Returns the devices whose own setting lapsed before {@code now} (milliseconds). */
  List<DeviceChannel> findLapsed(long now) {
    return jdbc.sql(
            "SELECT "
                + SETTING_COLUMNS
                + SETTING_JOIN
                + " WHERE d.control_channel_until IS NOT NULL AND d.control_channel_until < ?")
        .param(now)
        .query(ChannelRepository::map)
        .list();
  }

  /** Returns the setting of fleet {@code fleetId}; true when the fleet is gone. */
  boolean fleetEnabled(long fleetId) {
    return jdbc.sql("SELECT control_channel FROM fleet WHERE id = ?")
        .param(fleetId)
        .query(Boolean.class)
        .optional()
        .orElse(true);
  }

  void setFleetEnabled(long fleetId, boolean enabled) {
    jdbc.sql("UPDATE fleet SET control_channel = ? WHERE id = ?").params(enabled, fleetId).update();
  }

  /** Sets the device's own setting; null {@code enabled} follows the fleet. */
  void setDeviceSetting(long deviceId, Boolean enabled, Long until) {
    jdbc.sql("UPDATE device SET control_channel = ?, control_channel_until = ? WHERE id = ?")
        .params(enabled, until, deviceId)
        .update();
  }

  /**
   * Clears the device's own setting when it lapsed before {@code now}; false when a newer setting
   * replaced it meanwhile.
   */
  boolean clearLapsed(long deviceId, long now) {
    return jdbc.sql(
                "UPDATE device SET control_channel = NULL, control_channel_until = NULL"
                    + " WHERE id = ? AND control_channel_until < ?")
            .params(deviceId, now)
            .update()
        == 1;
  }

  private static DeviceChannel map(java.sql.ResultSet row, int number)
      throws java.sql.SQLException {
    return new DeviceChannel(
        row.getLong("id"),
        row.getString("uuid"),
        row.getLong("fleet_id"),
        row.getLong("organization_id"),
        row.getBoolean("approved"),
        new ChannelSetting(
            row.getObject("control_channel", Boolean.class),
            row.getObject("control_channel_until", Long.class),
            row.getBoolean("fleet_channel")));
  }
}
