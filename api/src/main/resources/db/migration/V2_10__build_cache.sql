-- The builder's cache: for each build partition's cache key, the per-platform manifest an engine
-- pushed for it, so that a rebuild without changes reuses it. Same table as the builder module's
-- io/slipway/builder/cache/build-cache.sql, which JdbcBuildCache reads and writes. created_at is
-- milliseconds since the epoch, UTC; platform is os/architecture[/variant].
CREATE TABLE build_cache (
    cache_key  VARCHAR(128) NOT NULL PRIMARY KEY,
    repository VARCHAR(255) NOT NULL,
    digest     VARCHAR(71)  NOT NULL,
    media_type VARCHAR(255) NOT NULL,
    size       BIGINT       NOT NULL,
    platform   VARCHAR(100) NOT NULL,
    created_at BIGINT       NOT NULL
);
