package io.slipway.api.control.support;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** The {@code support_access} table. Safe for concurrent use; each method is one statement. */
@Repository
public class SupportAccessRepository {

  private static final String COLUMNS =
      "id, fleet_id, granted_by, granted_at, expires_at, revoked_by, revoked_at";

  private final JdbcClient jdbc;

  public SupportAccessRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Returns whether fleet {@code fleetId} has a grant open at {@code now}. */
  public boolean hasOpenGrant(long fleetId, long now) {
    return jdbc.sql(
                "SELECT COUNT(*) FROM support_access"
                    + " WHERE fleet_id = ? AND expires_at > ? AND revoked_at IS NULL")
            .params(fleetId, now)
            .query(Long.class)
            .single()
        > 0;
  }

  /** Inserts a grant and returns its row id. */
  long insert(long fleetId, String grantedBy, long grantedAt, long expiresAt) {
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(
            "INSERT INTO support_access (fleet_id, granted_by, granted_at, expires_at)"
                + " VALUES (?, ?, ?, ?)")
        .params(fleetId, grantedBy, grantedAt, expiresAt)
        .update(keys, "id");
    return keys.getKey().longValue();
  }

  /**
   * Returns the fleet's grants that are still open or ended after {@code since}, newest first, at
   * most {@code limit}.
   */
  List<SupportGrant> findRecent(long fleetId, long since, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM support_access WHERE fleet_id = ?"
                + " AND (expires_at > ? OR revoked_at > ?)"
                + " ORDER BY granted_at DESC, id DESC LIMIT ?")
        .params(fleetId, since, since, limit)
        .query(
            (row, number) ->
                new SupportGrant(
                    row.getLong("id"),
                    row.getLong("fleet_id"),
                    row.getString("granted_by"),
                    row.getLong("granted_at"),
                    row.getLong("expires_at"),
                    row.getString("revoked_by"),
                    row.getObject("revoked_at", Long.class)))
        .list();
  }

  /** Ends every grant of the fleet open at {@code now}; returns how many it ended. */
  int revokeOpen(long fleetId, String revokedBy, long now) {
    return jdbc.sql(
            "UPDATE support_access SET revoked_by = ?, revoked_at = ?"
                + " WHERE fleet_id = ? AND expires_at > ? AND revoked_at IS NULL")
        .params(revokedBy, now, fleetId, now)
        .update();
  }
}
