package io.slipway.api.devicelog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/**
 * The {@code device_log} table. Times are milliseconds since the epoch. Safe for concurrent use;
 * callers that need {@link #append} and {@link #prune} together run them in one transaction.
 */
@Repository
public class DeviceLogRepository {

  private static final String COLUMNS =
      "id, timestamp_ms, received_at, service, message, is_stderr, is_system";

  private final JdbcClient jdbc;
  private final JdbcTemplate template;

  public DeviceLogRepository(JdbcClient jdbc, JdbcTemplate template) {
    this.jdbc = jdbc;
    this.template = template;
  }

  /**
   * Stores {@code lines} of {@code deviceId} in their order, all received at {@code now}.
   *
   * @return the lines as stored, with their ids, in the same order
   */
  public List<StoredLogLine> append(long deviceId, List<DeviceLogLine> lines, long now) {
    if (lines.isEmpty()) {
      return List.of();
    }
    KeyHolder keys = new GeneratedKeyHolder();
    template.batchUpdate(
        connection ->
            connection.prepareStatement(
                "INSERT INTO device_log (device_id, timestamp_ms, received_at, service, message,"
                    + " is_stderr, is_system) VALUES (?, ?, ?, ?, ?, ?, ?)",
                new String[] {"id"}),
        new BatchPreparedStatementSetter() {
          @Override
          public void setValues(PreparedStatement statement, int index) throws SQLException {
            DeviceLogLine line = lines.get(index);
            statement.setLong(1, deviceId);
            statement.setLong(2, line.timestamp());
            statement.setLong(3, now);
            statement.setString(4, line.service());
            statement.setString(5, line.message());
            statement.setBoolean(6, line.isStderr());
            statement.setBoolean(7, line.isSystem());
          }

          @Override
          public int getBatchSize() {
            return lines.size();
          }
        },
        keys);
    return stored(lines, keys.getKeyList(), now);
  }

  private static List<StoredLogLine> stored(
      List<DeviceLogLine> lines, List<Map<String, Object>> keys, long now) {
    List<StoredLogLine> stored = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      DeviceLogLine line = lines.get(i);
      long id = ((Number) keys.get(i).values().iterator().next()).longValue();
      stored.add(
          new StoredLogLine(
              id,
              line.timestamp(),
              now,
              line.service(),
              line.message(),
              line.isStderr(),
              line.isSystem()));
    }
    return stored;
  }

  /**
   * Returns the lines of {@code deviceId} stored after line {@code afterId}, oldest first, at most
   * {@code limit}.
   */
  public List<StoredLogLine> findAfter(long deviceId, long afterId, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM device_log WHERE device_id = ? AND id > ? ORDER BY id LIMIT ?")
        .params(deviceId, afterId, limit)
        .query(DeviceLogRepository::map)
        .list();
  }

  /**
   * Returns the newest {@code count} lines of {@code deviceId} written at or after {@code since},
   * oldest first, in the order the server received them.
   *
   * @param since device timestamp in milliseconds; 0 for every line
   */
  public List<StoredLogLine> findNewest(long deviceId, int count, long since) {
    List<StoredLogLine> newestFirst =
        jdbc.sql(
                "SELECT "
                    + COLUMNS
                    + " FROM device_log WHERE device_id = ? AND timestamp_ms >= ?"
                    + " ORDER BY id DESC LIMIT ?")
            .params(deviceId, since, count)
            .query(DeviceLogRepository::map)
            .list();
    List<StoredLogLine> oldestFirst = new ArrayList<>(newestFirst);
    Collections.reverse(oldestFirst);
    return oldestFirst;
  }

  /**
   * Deletes all but the newest {@code keep} lines of {@code deviceId}.
   *
   * @return how many lines were deleted
   */
  public int prune(long deviceId, int keep) {
    Optional<Long> oldestKept =
        jdbc.sql(
                "SELECT id FROM device_log WHERE device_id = ? ORDER BY id DESC"
                    + " LIMIT 1 OFFSET ?")
            .params(deviceId, keep - 1)
            .query(Long.class)
            .optional();
    if (oldestKept.isEmpty()) {
      return 0;
    }
    return jdbc.sql("DELETE FROM device_log WHERE device_id = ? AND id < ?")
        .params(deviceId, oldestKept.get())
        .update();
  }

  private static StoredLogLine map(ResultSet row, int number) throws SQLException {
    return new StoredLogLine(
        row.getLong("id"),
        row.getLong("timestamp_ms"),
        row.getLong("received_at"),
        row.getString("service"),
        row.getString("message"),
        row.getBoolean("is_stderr"),
        row.getBoolean("is_system"));
  }
}
