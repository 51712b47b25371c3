package io.slipway.api.targetstate;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads what the target state of a device depends on from {@code device} and {@code fleet}. Each
 * method is one query by primary key. Safe for concurrent use.
 */
@Repository
public class TargetStateRepository {

  private final JdbcClient jdbc;

  public TargetStateRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Returns the target versions of a device and its fleet; empty when the device is gone. */
  public Optional<StateVersions> versions(long deviceId) {
    return jdbc.sql(
            "SELECT d.fleet_id, d.target_version AS device_version,"
                + " f.target_version AS fleet_version"
                + " FROM device d JOIN fleet f ON f.id = d.fleet_id WHERE d.id = ?")
        .param(deviceId)
        .query(
            (row, number) ->
                new StateVersions(
                    deviceId,
                    row.getLong("fleet_id"),
                    row.getLong("fleet_version"),
                    row.getLong("device_version")))
        .optional();
  }

  /** Returns the pins and fleet target of a device; empty when the device is gone. */
  public Optional<TargetInputs> inputs(long deviceId) {
    return jdbc.sql(
            "SELECT d.fleet_id, d.pinned_release_id, d.rollout_release_id, f.track_latest,"
                + " f.target_release_id"
                + " FROM device d JOIN fleet f ON f.id = d.fleet_id WHERE d.id = ?")
        .param(deviceId)
        .query(
            (row, number) ->
                new TargetInputs(
                    deviceId,
                    row.getLong("fleet_id"),
                    row.getObject("pinned_release_id", Long.class),
                    row.getObject("rollout_release_id", Long.class),
                    row.getBoolean("track_latest"),
                    row.getObject("target_release_id", Long.class)))
        .optional();
  }
}
