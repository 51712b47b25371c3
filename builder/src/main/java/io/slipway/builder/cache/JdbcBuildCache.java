package io.slipway.builder.cache;

import io.slipway.builder.BuildResult;
import io.slipway.builder.platform.Platform;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A build cache in the {@code build_cache} table, shared by every build of the server and kept
 * across restarts. The table's DDL is the classpath resource {@link #SCHEMA}. Safe for concurrent
 * use: each call runs in its own statement on a connection from the data source.
 */
public final class JdbcBuildCache implements BuildCache {

  /** Classpath resource with the {@code CREATE TABLE} statement for H2 and PostgreSQL. */
  public static final String SCHEMA = "io/slipway/builder/cache/build-cache.sql";

  private static final String COLUMNS =
      "cache_key, repository, digest, media_type, size, platform, created_at";

  private final JdbcTemplate jdbc;

  public JdbcBuildCache(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(Objects.requireNonNull(dataSource, "dataSource"));
  }

  @Override
  public Optional<CachedManifest> find(String cacheKey) {
    Objects.requireNonNull(cacheKey, "cacheKey");
    try {
      List<CachedManifest> rows =
          jdbc.query(
              "SELECT " + COLUMNS + " FROM build_cache WHERE cache_key = ?",
              (row, index) -> read(row),
              cacheKey);
      return rows.stream().findFirst();
    } catch (DataAccessException e) {
      throw failure("read", cacheKey, e);
    }
  }

  @Override
  public void put(String cacheKey, CachedManifest manifest) {
    Objects.requireNonNull(cacheKey, "cacheKey");
    Objects.requireNonNull(manifest, "manifest");
    try {
      upsert(cacheKey, manifest);
    } catch (DataAccessException e) {
      throw failure("write", cacheKey, e);
    }
  }

  @Override
  public void remove(String cacheKey) {
    Objects.requireNonNull(cacheKey, "cacheKey");
    try {
      jdbc.update("DELETE FROM build_cache WHERE cache_key = ?", cacheKey);
    } catch (DataAccessException e) {
      throw failure("delete", cacheKey, e);
    }
  }

  private void upsert(String cacheKey, CachedManifest manifest) {
    if (update(cacheKey, manifest) > 0) {
      return;
    }

    try {
      insert(cacheKey, manifest);
    } catch (DuplicateKeyException e) {
      // Another partition inserted the same key between the update and the insert.
      update(cacheKey, manifest);
    }
  }

  private int update(String cacheKey, CachedManifest manifest) {
    BuildResult result = manifest.result();
    return jdbc.update(
        "UPDATE build_cache SET repository = ?, digest = ?, media_type = ?, size = ?, platform = ?,"
            + " created_at = ? WHERE cache_key = ?",
        manifest.repository(),
        result.digest(),
        result.mediaType(),
        result.size(),
        result.platform().toString(),
        manifest.created().toEpochMilli(),
        cacheKey);
  }

  private void insert(String cacheKey, CachedManifest manifest) {
    BuildResult result = manifest.result();
    jdbc.update(
        "INSERT INTO build_cache (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
        cacheKey,
        manifest.repository(),
        result.digest(),
        result.mediaType(),
        result.size(),
        result.platform().toString(),
        manifest.created().toEpochMilli());
  }

  private static CachedManifest read(ResultSet row) throws SQLException {
    BuildResult result =
        new BuildResult(
            Platform.parse(row.getString("platform")),
            row.getString("digest"),
            row.getString("media_type"),
            row.getLong("size"));
    return new CachedManifest(
        row.getString("repository"), result, Instant.ofEpochMilli(row.getLong("created_at")));
  }

  private static BuildCacheException failure(String action, String cacheKey, Exception cause) {
    return new BuildCacheException(
        "Failed to " + action + " build cache entry " + cacheKey + ": " + cause.getMessage(),
        cause);
  }
}
