package io.slipway.api.targetstate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code device_state} table: the last state each device reported, one row per device. Rollouts
 * read it to decide when a group has moved. Safe for concurrent use; each read is one statement.
 */
@Repository
public class ReportedStates {

  /**
   * Maximum number of device ids in one query; longer collections are queried in chunks of this
   * size.
   */
  private static final int CHUNK = 500;

  private static final TypeReference<Map<String, Map<String, Object>>> SERVICES =
      new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json = JsonMapper.builder().build();

  public ReportedStates(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Stores {@code report} as the device's last state, replacing the one before, and copies the
   * overall status and OS version to the {@code device} row.
   */
  public ReportedState save(long deviceId, StateReport report, long now) {
    DeviceRunState status = report.overallStatus();
    String services = json.writeValueAsString(toJson(report.services()));
    if (!update(deviceId, report, status, services, now)) {
      try {
        jdbc.sql(
                "INSERT INTO device_state (device_id, release_id, status, services, os_version,"
                    + " reported_at) VALUES (?, ?, ?, ?, ?, ?)")
            .params(deviceId, report.releaseId(), status.name(), services, report.osVersion(), now)
            .update();
      } catch (DuplicateKeyException e) {
        // A concurrent first report of the same device inserted the row; this one replaces it.
        update(deviceId, report, status, services, now);
      }
    }
    jdbc.sql(
            "UPDATE device SET status = ?, os_version = COALESCE(?, os_version), last_seen_at = ?"
                + " WHERE id = ?")
        .params(status.name(), report.osVersion(), now, deviceId)
        .update();
    return new ReportedState(
        deviceId, report.releaseId(), status, report.services(), report.osVersion(), now);
  }

  /** Returns the last state {@code deviceId} reported, if it ever reported one. */
  public Optional<ReportedState> find(long deviceId) {
    return jdbc.sql(
            "SELECT device_id, release_id, status, services, os_version, reported_at"
                + " FROM device_state WHERE device_id = ?")
        .param(deviceId)
        .query(this::map)
        .optional();
  }

  /**
   * Returns the last reported state of each of {@code deviceIds} that reported one, keyed by device
   * id. Devices that never reported are absent.
   */
  public Map<Long, ReportedState> findByDevices(Collection<Long> deviceIds) {
    Map<Long, ReportedState> found = new HashMap<>();
    for (List<Long> chunk : chunks(deviceIds)) {
      jdbc.sql(
              "SELECT device_id, release_id, status, services, os_version, reported_at"
                  + " FROM device_state WHERE device_id IN (:ids)")
          .param("ids", chunk)
          .query(this::map)
          .list()
          .forEach(state -> found.put(state.deviceId(), state));
    }
    return found;
  }

  /**
   * Counts, among {@code deviceIds}, the devices whose last report names {@code releaseId}, by
   * overall status. The devices that run it healthy are the count of {@link
   * DeviceRunState#RUNNING}. Statuses without devices are absent; devices that reported another
   * release or nothing are not counted.
   *
   * @param reportedSince only reports that arrived at or after this time, milliseconds since the
   *     epoch; 0 for all
   */
  public Map<DeviceRunState, Long> countByRelease(
      long releaseId, Collection<Long> deviceIds, long reportedSince) {
    Map<DeviceRunState, Long> counts = new EnumMap<>(DeviceRunState.class);
    for (List<Long> chunk : chunks(deviceIds)) {
      jdbc.sql(
              "SELECT status, COUNT(*) AS devices FROM device_state WHERE release_id = :release"
                  + " AND reported_at >= :since AND device_id IN (:ids) GROUP BY status")
          .param("release", releaseId)
          .param("since", reportedSince)
          .param("ids", chunk)
          .query(
              (row, number) -> {
                counts.merge(
                    DeviceRunState.valueOf(row.getString("status")),
                    row.getLong("devices"),
                    Long::sum);
                return null;
              })
          .list();
    }
    return counts;
  }

  private boolean update(
      long deviceId, StateReport report, DeviceRunState status, String services, long now) {
    return jdbc.sql(
                "UPDATE device_state SET release_id = ?, status = ?, services = ?,"
                    + " os_version = ?, reported_at = ? WHERE device_id = ?")
            .params(report.releaseId(), status.name(), services, report.osVersion(), now, deviceId)
            .update()
        == 1;
  }

  private ReportedState map(ResultSet row, int number) throws SQLException {
    return new ReportedState(
        row.getLong("device_id"),
        row.getObject("release_id", Long.class),
        DeviceRunState.valueOf(row.getString("status")),
        fromJson(json.readValue(row.getString("services"), SERVICES)),
        row.getString("os_version"),
        row.getLong("reported_at"));
  }

  /**
   * Returns the wire form of services: {@code {name: {status, downloadProgress?, healthy?, image?,
   * downloadedBytes?, downloadSize?, updateMethod?, message?}}}; absent fields were not reported.
   */
  static Map<String, Map<String, Object>> toJson(Map<String, ServiceReport> services) {
    Map<String, Map<String, Object>> result = new LinkedHashMap<>();
    services.forEach(
        (name, report) -> {
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("status", report.status().wireName());
          if (report.downloadProgress() != null) {
            fields.put("downloadProgress", report.downloadProgress());
          }
          if (report.healthy() != null) {
            fields.put("healthy", report.healthy());
          }
          if (report.image() != null) {
            fields.put("image", report.image());
          }
          if (report.update() != null) {
            putUpdate(fields, report.update());
          }
          result.put(name, fields);
        });
    return result;
  }

  private static void putUpdate(Map<String, Object> fields, ServiceUpdate update) {
    if (update.downloadedBytes() != null) {
      fields.put("downloadedBytes", update.downloadedBytes());
    }
    if (update.downloadSize() != null) {
      fields.put("downloadSize", update.downloadSize());
    }
    if (update.method() != null) {
      fields.put("updateMethod", update.method().wireName());
    }
    if (update.message() != null) {
      fields.put("message", update.message());
    }
  }

  private static Map<String, ServiceReport> fromJson(Map<String, Map<String, Object>> stored) {
    Map<String, ServiceReport> services = new LinkedHashMap<>();
    stored.forEach(
        (name, fields) ->
            services.put(
                name,
                new ServiceReport(
                    ServiceStatus.parse((String) fields.get("status")),
                    fields.get("downloadProgress") instanceof Number n ? n.intValue() : null,
                    fields.get("healthy") instanceof Boolean b ? b : null,
                    fields.get("image") instanceof String image ? image : null,
                    updateFromJson(fields))));
    return services;
  }

  /** Reads the update fields; rows stored before they existed have none and give null. */
  private static ServiceUpdate updateFromJson(Map<String, Object> fields) {
    return ServiceUpdate.ofNullable(
        fields.get("downloadedBytes") instanceof Number n ? n.longValue() : null,
        fields.get("downloadSize") instanceof Number n ? n.longValue() : null,
        fields.get("updateMethod") instanceof String method ? UpdateMethod.parse(method) : null,
        fields.get("message") instanceof String message ? message : null);
  }

  private static List<List<Long>> chunks(Collection<Long> ids) {
    List<Long> all = List.copyOf(ids);
    List<List<Long>> chunks = new ArrayList<>();
    for (int start = 0; start < all.size(); start += CHUNK) {
      chunks.add(all.subList(start, Math.min(all.size(), start + CHUNK)));
    }
    return chunks;
  }
}
