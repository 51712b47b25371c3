package io.slipway.api.fleet;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code fleet} table. Safe for concurrent use; each method is one statement. */
@Repository
public class FleetRepository {

  static final String SELECT =
      "SELECT f.id, f.organization_id, o.slug AS organization_slug, f.slug, f.name, f.device_type,"
          + " f.requires_approval, f.track_latest, f.target_release_id, f.target_version,"
          + " f.created_at, f.build_device_types, f.deploy_branch FROM fleet f JOIN organization o ON o.id = f.organization_id";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};

  private final JdbcClient jdbc;

  public FleetRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Inserts a fleet that tracks its latest release and returns its row id.
   *
   * @throws org.springframework.dao.DuplicateKeyException when the organization has the slug
   */
  public long insert(
      long organizationId,
      String slug,
      String name,
      String deviceType,
      boolean requiresApproval,
      long createdAt) {
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(
            "INSERT INTO fleet (organization_id, slug, name, device_type, requires_approval,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .params(organizationId, slug, name, deviceType, requiresApproval, createdAt)
        .update(keys, "id");
    return keys.getKey().longValue();
  }

  public Optional<Fleet> findById(long id) {
    return jdbc.sql(SELECT + " WHERE f.id = ?").param(id).query(FleetRepository::map).optional();
  }

  /** Returns the fleet {@code fleetSlug} of the organization {@code organizationSlug}. */
  public Optional<Fleet> findBySlugs(String organizationSlug, String fleetSlug) {
    return jdbc.sql(SELECT + " WHERE o.slug = ? AND f.slug = ?")
        .params(organizationSlug, fleetSlug)
        .query(FleetRepository::map)
        .optional();
  }

  /** Returns the fleets of {@code organizationId}, ordered by slug. */
  public List<Fleet> findByOrganization(long organizationId) {
    return jdbc.sql(SELECT + " WHERE f.organization_id = ? ORDER BY f.slug")
        .param(organizationId)
        .query(FleetRepository::map)
        .list();
  }

  /** Adds one to the fleet's target version, so that cached target states of it expire. */
  public void bumpTargetVersion(long fleetId) {
    jdbc.sql("UPDATE fleet SET target_version = target_version + 1 WHERE id = ?")
        .param(fleetId)
        .update();
  }

  /**
   * Sets name, device type, approval rule and build device types of fleet {@code id}; false when it
   * is gone.
   *
   * @param buildDeviceTypes the device types to build for, or null for the fleet's own only
   */
  public boolean update(
      long id,
      String name,
      String deviceType,
      boolean requiresApproval,
      List<String> buildDeviceTypes) {
    String types = buildDeviceTypes == null ? null : JSON.writeValueAsString(buildDeviceTypes);
    return jdbc.sql(
                "UPDATE fleet SET name = ?, device_type = ?, requires_approval = ?,"
                    + " build_device_types = ? WHERE id = ?")
            .params(name, deviceType, requiresApproval, types, id)
            .update()
        == 1;
  }

  /** Sets the deploy branch of fleet {@code id}; false when it is gone. */
  public boolean updateDeployBranch(long id, String deployBranch) {
    return jdbc.sql("UPDATE fleet SET deploy_branch = ? WHERE id = ?")
            .params(deployBranch, id)
            .update()
        == 1;
  }

  /**
   * Deletes fleet {@code id}; its devices, keys, variables and releases go with it.
   *
   * @return false when it was already gone
   * @throws org.springframework.dao.DataIntegrityViolationException when other rows refer to it
   */
  public boolean delete(long id) {
    return jdbc.sql("DELETE FROM fleet WHERE id = ?").param(id).update() == 1;
  }

  /**
   * Locks fleet {@code id}'s row until the current transaction ends. On PostgreSQL a release insert
   * for the fleet then waits, because its foreign-key check locks the same row.
   */
  public void lock(long id) {
    jdbc.sql("SELECT id FROM fleet WHERE id = ? FOR UPDATE").param(id).query(Long.class).list();
  }

  /**
   * Returns the oldest release of fleet {@code id} that the builder is still building: status
   * {@code RUNNING} and source {@code BUILD}.
   */
  public Optional<Long> findBuildingRelease(long id) {
    return jdbc.sql(
            "SELECT id FROM fleet_release WHERE fleet_id = ? AND status = 'RUNNING'"
                + " AND source = 'BUILD' ORDER BY id LIMIT 1")
        .param(id)
        .query(Long.class)
        .optional();
  }

  /** Returns the distinct device types that devices of fleet {@code id} declared. */
  public List<String> findDeviceTypesOfDevices(long id) {
    return jdbc.sql(
            "SELECT DISTINCT device_type FROM device WHERE fleet_id = ? AND device_type IS NOT NULL")
        .param(id)
        .query(String.class)
        .list();
  }

  static Fleet map(ResultSet row, int number) throws SQLException {
    return new Fleet(
        row.getLong("id"),
        row.getLong("organization_id"),
        row.getString("organization_slug"),
        row.getString("slug"),
        row.getString("name"),
        row.getString("device_type"),
        row.getBoolean("requires_approval"),
        row.getBoolean("track_latest"),
        row.getObject("target_release_id", Long.class),
        row.getLong("target_version"),
        row.getLong("created_at"),
        buildDeviceTypes(row.getString("build_device_types")),
        row.getString("deploy_branch"));
  }

  private static List<String> buildDeviceTypes(String json) {
    return json == null ? null : JSON.readValue(json, STRING_LIST);
  }
}
