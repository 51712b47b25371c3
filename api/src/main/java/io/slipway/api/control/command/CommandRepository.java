package io.slipway.api.control.command;

import io.slipway.api.control.command.Command.Status;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code device_command} table. Times are milliseconds since the epoch. Safe for concurrent
 * use; every change of a row's status is conditional on the row still being {@code PENDING}, so
 * servers sharing the database never end one command twice.
 */
@Repository
class CommandRepository {

  /** Rows per statement batch of a fleet-wide insert. */
  static final int INSERT_BATCH = 500;

  /** Longest result or error text stored; longer texts are cut. */
  static final int MAX_TEXT = 1024;

  private static final String COLUMNS =
      "c.id, d.uuid, c.type, c.service, c.status, c.result, c.error, c.created_by, c.created_at,"
          + " c.deadline, c.completed_at";

  private static final String FROM = " FROM device_command c JOIN device d ON d.id = c.device_id";

  private final JdbcClient jdbc;
  private final JdbcTemplate template;

  CommandRepository(JdbcClient jdbc, JdbcTemplate template) {
    this.jdbc = jdbc;
    this.template = template;
  }

  /**
   * A command with what answering it needs: its device's row id and its organization.
   *
   * @param command the command
   * @param deviceId row id of its device
   * @param fleetId its device's fleet
   * @param organizationId the organization of its device's fleet
   */
  record Owned(Command command, long deviceId, long fleetId, long organizationId) {}

  /** A command to insert for device {@code deviceId}. */
  record NewRow(Command command, long deviceId) {}

  /** Inserts one command, {@code batchId} null unless it belongs to a fleet-wide request. */
  void insert(NewRow row, String batchId) {
    insertAll(List.of(row), batchId);
  }

  /** Inserts {@code rows} in statement batches of {@value #INSERT_BATCH}. */
  void insertAll(List<NewRow> rows, String batchId) {
    List<Object[]> values = new ArrayList<>(rows.size());
    for (NewRow row : rows) {
      Command command = row.command();
      values.add(
          new Object[] {
            command.id(),
            row.deviceId(),
            command.type().wireName(),
            command.service(),
            command.status().name(),
            command.createdBy(),
            command.createdAt().toEpochMilli(),
            command.deadline().toEpochMilli(),
            batchId
          });
    }
    for (int from = 0; from < values.size(); from += INSERT_BATCH) {
      template.batchUpdate(
          "INSERT INTO device_command (id, device_id, type, service, status, created_by,"
              + " created_at, deadline, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          values.subList(from, Math.min(values.size(), from + INSERT_BATCH)));
    }
  }

  Optional<Command> findById(String id) {
    return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE c.id = ?")
        .param(id)
        .query(CommandRepository::map)
        .optional();
  }

  /** Returns command {@code id} with its device's row id and organization. */
  Optional<Owned> findOwned(String id) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + ", c.device_id, d.fleet_id, f.organization_id"
                + FROM
                + " JOIN fleet f ON f.id = d.fleet_id WHERE c.id = ?")
        .param(id)
        .query(
            (row, number) ->
                new Owned(
                    map(row, number),
                    row.getLong("device_id"),
                    row.getLong("fleet_id"),
                    row.getLong("organization_id")))
        .optional();
  }

  /** Returns the latest {@code limit} commands of device {@code deviceId}, newest first. */
  List<Command> findByDevice(long deviceId, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + FROM
                + " WHERE c.device_id = ? ORDER BY c.created_at DESC, c.id DESC LIMIT ?")
        .params(deviceId, limit)
        .query(CommandRepository::map)
        .list();
  }

  /**
   * Ends command {@code id} of device {@code deviceId} if it is still pending.
   *
   * @return false when it belongs to another device, has ended already or is gone
   */
  boolean complete(
      String id, long deviceId, Status status, String result, String error, long completedAt) {
    return jdbc.sql(
                "UPDATE device_command SET status = ?, result = ?, error = ?, completed_at = ?"
                    + " WHERE id = ? AND device_id = ? AND status = 'PENDING'")
            .params(status.name(), cut(result), cut(error), completedAt, id, deviceId)
            .update()
        == 1;
  }

  /** Returns up to {@code limit} ids of pending commands whose deadline is before {@code now}. */
  List<String> findOverdue(long now, int limit) {
    return jdbc.sql(
            "SELECT id FROM device_command WHERE status = 'PENDING' AND deadline < ?"
                + " ORDER BY deadline LIMIT ?")
        .params(now, limit)
        .query(String.class)
        .list();
  }

  /** Sets the deadline of every pending command of batch {@code batchId}, in epoch milliseconds. */
  void setBatchDeadline(String batchId, long deadline) {
    jdbc.sql("UPDATE device_command SET deadline = ? WHERE batch_id = ? AND status = 'PENDING'")
        .params(deadline, batchId)
        .update();
  }

  /** Marks the commands {@code ids} {@code TIMED_OUT} if they are still pending. */
  void timeOut(List<String> ids, long now) {
    List<Object[]> values = new ArrayList<>(ids.size());
    for (String id : ids) {
      values.add(new Object[] {now, id});
    }
    template.batchUpdate(
        "UPDATE device_command SET status = 'TIMED_OUT', completed_at = ?"
            + " WHERE id = ? AND status = 'PENDING'",
        values);
  }

  /** Ends the commands {@code ids} {@code FAILED} with {@code error} if they are still pending. */
  void fail(List<String> ids, String error, long now) {
    List<Object[]> values = new ArrayList<>(ids.size());
    for (String id : ids) {
      values.add(new Object[] {cut(error), now, id});
    }
    for (int from = 0; from < values.size(); from += INSERT_BATCH) {
      template.batchUpdate(
          "UPDATE device_command SET status = 'FAILED', error = ?, completed_at = ?"
              + " WHERE id = ? AND status = 'PENDING'",
          values.subList(from, Math.min(values.size(), from + INSERT_BATCH)));
    }
  }

  private static String cut(String text) {
    return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
  }

  private static Command map(ResultSet row, int number) throws SQLException {
    Long completedAt = row.getObject("completed_at", Long.class);
    return new Command(
        row.getString("id"),
        row.getString("uuid"),
        CommandType.fromWireName(row.getString("type")),
        row.getString("service"),
        Status.valueOf(row.getString("status")),
        row.getString("result"),
        row.getString("error"),
        row.getString("created_by"),
        Instant.ofEpochMilli(row.getLong("created_at")),
        Instant.ofEpochMilli(row.getLong("deadline")),
        completedAt == null ? null : Instant.ofEpochMilli(completedAt));
  }
}
