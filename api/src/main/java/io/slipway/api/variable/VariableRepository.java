package io.slipway.api.variable;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code fleet_variable} and {@code device_variable} tables. A service of {@code ""} means
 * every service. Safe for concurrent use.
 */
@Repository
public class VariableRepository {

  private final JdbcClient jdbc;

  public VariableRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Returns the variables of fleet {@code fleetId}, at fleet and fleet-and-service level. */
  public List<Variable> findByFleet(long fleetId) {
    return jdbc.sql(
            "SELECT service, name, kind, val, updated_at FROM fleet_variable WHERE fleet_id = ?"
                + " ORDER BY service, name")
        .param(fleetId)
        .query((row, number) -> read(row, false))
        .list();
  }

  /** Returns the overrides of device {@code deviceId}, at device and device-and-service level. */
  public List<Variable> findByDevice(long deviceId) {
    return jdbc.sql(
            "SELECT service, name, kind, val, updated_at FROM device_variable WHERE device_id = ?"
                + " ORDER BY service, name")
        .param(deviceId)
        .query((row, number) -> read(row, true))
        .list();
  }

  /** Returns every variable that applies to device {@code deviceId} of fleet {@code fleetId}. */
  public List<Variable> findForDevice(long fleetId, long deviceId) {
    List<Variable> all = new ArrayList<>(findByFleet(fleetId));
    all.addAll(findByDevice(deviceId));
    return all;
  }

  /**
   * Sets a fleet variable, creating or replacing it.
   *
   * @return true when it was created, false when an existing value was replaced
   */
  public boolean putFleetVariable(long fleetId, String service, Variable variable, long now) {
    return put("fleet_variable", "fleet_id", fleetId, service, variable, now);
  }

  /** Sets a device variable, creating or replacing it; true when it was created. */
  public boolean putDeviceVariable(long deviceId, String service, Variable variable, long now) {
    return put("device_variable", "device_id", deviceId, service, variable, now);
  }

  /** Deletes a fleet variable; true when one existed. */
  public boolean deleteFleetVariable(long fleetId, String service, VariableName name) {
    return jdbc.sql("DELETE FROM fleet_variable WHERE fleet_id = ? AND service = ? AND name = ?")
            .params(fleetId, service, name.value())
            .update()
        > 0;
  }

  /** Deletes a device variable; true when one existed. */
  public boolean deleteDeviceVariable(long deviceId, String service, VariableName name) {
    return jdbc.sql("DELETE FROM device_variable WHERE device_id = ? AND service = ? AND name = ?")
            .params(deviceId, service, name.value())
            .update()
        > 0;
  }

  private boolean put(
      String table, String ownerColumn, long owner, String service, Variable variable, long now) {
    // Update first, insert when absent; a concurrent insert of the same key makes ours fail, and
    // the retried update then wins. Plain SQL keeps this portable between H2 and PostgreSQL.
    for (int attempt = 0; ; attempt++) {
      int updated =
          jdbc.sql(
                  "UPDATE "
                      + table
                      + " SET kind = ?, val = ?, updated_at = ? WHERE "
                      + ownerColumn
                      + " = ? AND service = ? AND name = ?")
              .params(
                  variable.kind().name(),
                  variable.value().text(),
                  now,
                  owner,
                  service,
                  variable.name().value())
              .update();
      if (updated > 0) {
        return false;
      }
      try {
        jdbc.sql(
                "INSERT INTO "
                    + table
                    + " ("
                    + ownerColumn
                    + ", service, name, kind, val, updated_at) VALUES (?, ?, ?, ?, ?, ?)")
            .params(
                owner,
                service,
                variable.name().value(),
                variable.kind().name(),
                variable.value().text(),
                now)
            .update();
        return true;
      } catch (DuplicateKeyException e) {
        if (attempt > 0) {
          throw e;
        }
      }
    }
  }

  private static Variable read(ResultSet row, boolean device) throws SQLException {
    String service = row.getString("service");
    return new Variable(
        Variable.Level.of(device, service),
        service,
        new VariableName(row.getString("name")),
        VariableKind.valueOf(row.getString("kind")),
        new VariableValue(row.getString("val")),
        row.getLong("updated_at"));
  }
}
