package io.slipway.api.release;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code fleet_release} and {@code release_service} tables. Each method is one statement and
 * safe for concurrent use. Writes that must not touch a final release are conditional on its
 * status, so callers learn from the result whether they won. Times are milliseconds since the
 * epoch.
 */
@Repository
public class ReleaseRepository {

  private static final String COLUMNS =
      "id, fleet_id, status, source, source_commit, version, created_by, created_at, finished_at,"
          + " invalidated, invalidated_at, invalidated_by";
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json = JsonMapper.builder().build();

  public ReleaseRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Stores a new release with status {@code RUNNING} and returns its id.
   *
   * @throws org.springframework.dao.DuplicateKeyException when the fleet has {@code version}
   */
  public long insert(
      long fleetId,
      ReleaseSource source,
      String sourceCommit,
      String version,
      String createdBy,
      long now) {
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(
            "INSERT INTO fleet_release (fleet_id, status, source, source_commit, version,"
                + " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(
            fleetId,
            ReleaseStatus.RUNNING.name(),
            source.name(),
            sourceCommit,
            version,
            createdBy,
            now)
        .update(keys, "id");
    return keys.getKey().longValue();
  }

  public Optional<Release> findById(long id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM fleet_release WHERE id = ?")
        .param(id)
        .query(ReleaseRepository::release)
        .optional();
  }

  /**
   * Returns up to {@code limit} releases of a fleet, newest first, with ids below {@code beforeId}
   * (use {@link Long#MAX_VALUE} for the first page).
   */
  public List<Release> findByFleet(long fleetId, long beforeId, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM fleet_release WHERE fleet_id = ? AND id < ? ORDER BY id DESC LIMIT ?")
        .params(fleetId, beforeId, limit)
        .query(ReleaseRepository::release)
        .list();
  }

  /** Returns every version that the releases of a fleet carry, in no order. */
  public List<String> versionsOf(long fleetId) {
    return jdbc.sql("SELECT version FROM fleet_release WHERE fleet_id = ? AND version IS NOT NULL")
        .param(fleetId)
        .query(String.class)
        .list();
  }

  /**
   * Locks a running release's row until the current transaction ends, so that no finish can commit
   * between the caller's check and its writes.
   *
   * @return false when the release does not exist or is already final
   */
  public boolean lockRunning(long id) {
    return jdbc.sql("UPDATE fleet_release SET status = status WHERE id = ? AND status = ?")
            .params(id, ReleaseStatus.RUNNING.name())
            .update()
        == 1;
  }

  /**
   * Makes a running release final.
   *
   * @return false when another writer finished it first, or it does not exist
   */
  public boolean finish(long id, ReleaseStatus status, long now) {
    return jdbc.sql(
                "UPDATE fleet_release SET status = ?, finished_at = ? WHERE id = ? AND status = ?")
            .params(status.name(), now, id, ReleaseStatus.RUNNING.name())
            .update()
        == 1;
  }

  /**
   * Marks a release invalidated.
   *
   * @return false when it was already invalidated, or does not exist
   */
  public boolean invalidate(long id, String by, long now) {
    return jdbc.sql(
                "UPDATE fleet_release SET invalidated = TRUE, invalidated_at = ?, invalidated_by = ?"
                    + " WHERE id = ? AND invalidated = FALSE")
            .params(now, by, id)
            .update()
        == 1;
  }

  /** Returns the id of the fleet's newest successful release that is not invalidated. */
  public Optional<Long> findLatestDeployable(long fleetId) {
    return jdbc.sql(
            "SELECT id FROM fleet_release WHERE fleet_id = ? AND invalidated = FALSE"
                + " AND status = ? ORDER BY id DESC LIMIT 1")
        .params(fleetId, ReleaseStatus.SUCCESS.name())
        .query(Long.class)
        .optional();
  }

  /** Returns the services of a release, ordered by name. */
  public List<ReleaseServiceImage> findServices(long releaseId) {
    return jdbc.sql(
            "SELECT service, image, environment, labels, configuration FROM release_service"
                + " WHERE release_id = ? ORDER BY service")
        .param(releaseId)
        .query(this::service)
        .list();
  }

  /** Stores {@code service} in a release, replacing a service of the same name. */
  public void putService(long releaseId, ReleaseServiceImage service) {
    jdbc.sql("DELETE FROM release_service WHERE release_id = ? AND service = ?")
        .params(releaseId, service.service())
        .update();
    jdbc.sql(
            "INSERT INTO release_service (release_id, service, image, environment, labels,"
                + " configuration) VALUES (?, ?, ?, ?, ?, ?)")
        .params(
            releaseId,
            service.service(),
            service.image() == null ? null : service.image().toString(),
            json.writeValueAsString(service.environment()),
            json.writeValueAsString(service.labels()),
            json.writeValueAsString(service.configuration()))
        .update();
  }

  /** Removes a service from a release; returns false when it had none of that name. */
  public boolean removeService(long releaseId, String service) {
    return jdbc.sql("DELETE FROM release_service WHERE release_id = ? AND service = ?")
            .params(releaseId, service)
            .update()
        == 1;
  }

  private ReleaseServiceImage service(ResultSet row, int number) throws SQLException {
    String image = row.getString("image");
    return new ReleaseServiceImage(
        row.getString("service"),
        image == null ? null : ImageReference.parse(image),
        json.readValue(row.getString("environment"), STRING_MAP),
        json.readValue(row.getString("labels"), STRING_MAP),
        json.readValue(row.getString("configuration"), JSON_OBJECT));
  }

  private static Release release(ResultSet row, int number) throws SQLException {
    return new Release(
        row.getLong("id"),
        row.getLong("fleet_id"),
        ReleaseStatus.valueOf(row.getString("status")),
        ReleaseSource.valueOf(row.getString("source")),
        row.getString("source_commit"),
        row.getString("version"),
        row.getString("created_by"),
        row.getLong("created_at"),
        nullableLong(row, "finished_at"),
        row.getBoolean("invalidated"),
        nullableLong(row, "invalidated_at"),
        row.getString("invalidated_by"));
  }

  private static Long nullableLong(ResultSet row, String column) throws SQLException {
    long value = row.getLong(column);
    return row.wasNull() ? null : value;
  }
}
