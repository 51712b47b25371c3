package io.slipway.api.release;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code release_log} table: build log lines of releases. Safe for concurrent use. Appending
 * does not check the release's status; {@link ReleaseService} locks the release first.
 */
@Repository
public class BuildLogRepository {

  private final JdbcClient jdbc;
  private final JdbcTemplate batch;

  public BuildLogRepository(JdbcClient jdbc, JdbcTemplate batch) {
    this.jdbc = jdbc;
    this.batch = batch;
  }

  /** Appends {@code lines} to the log of a release, in order, all stamped {@code now}. */
  public void append(long releaseId, List<BuildLogEntry> lines, long now) {
    List<Object[]> rows =
        lines.stream()
            .map(
                line -> new Object[] {releaseId, now, line.service(), line.platform(), line.text()})
            .toList();
    batch.batchUpdate(
        "INSERT INTO release_log (release_id, at, service, platform, line) VALUES (?, ?, ?, ?, ?)",
        rows);
  }

  /** Returns up to {@code limit} lines of a release's log with ids above {@code afterId}. */
  public List<BuildLogLine> find(long releaseId, long afterId, int limit) {
    return jdbc.sql(
            "SELECT id, at, service, platform, line FROM release_log"
                + " WHERE release_id = ? AND id > ?"
                + " ORDER BY id LIMIT ?")
        .params(releaseId, afterId, limit)
        .query(
            (row, number) ->
                new BuildLogLine(
                    row.getLong("id"),
                    row.getLong("at"),
                    row.getString("service"),
                    row.getString("platform"),
                    row.getString("line")))
        .list();
  }
}
