package io.slipway.api.git;

import io.slipway.api.release.ReleaseStatus;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Finds the release a fleet already has of a commit. Safe for concurrent use. */
@Repository
class ReleaseOfCommit {

  /**
   * A release of a commit.
   *
   * @param id the release's id
   * @param version its version
   * @param status {@code SUCCESS} or {@code RUNNING}
   */
  record Found(long id, String version, ReleaseStatus status) {}

  private final JdbcClient jdbc;

  ReleaseOfCommit(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Returns the newest release of fleet {@code fleetId} that the builder built from {@code commit}
   * and that succeeded or is still running. Failed ones do not count, so that a push may build them
   * again. Deployed and API-made releases do not count either, because their commit is only what
   * the caller claimed.
   */
  Optional<Found> find(long fleetId, String commit) {
    return jdbc.sql(
            "SELECT id, version, status FROM fleet_release WHERE fleet_id = ? AND source_commit = ?"
                + " AND source = 'BUILD' AND status IN ('SUCCESS', 'RUNNING')"
                + " AND invalidated = FALSE"
                + " ORDER BY id DESC LIMIT 1")
        .params(fleetId, commit)
        .query(
            (row, number) ->
                new Found(
                    row.getLong("id"),
                    row.getString("version"),
                    ReleaseStatus.valueOf(row.getString("status"))))
        .optional();
  }
}
