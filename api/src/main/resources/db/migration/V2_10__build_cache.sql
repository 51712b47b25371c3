-- The build cache: for each partition's cache key, the per-platform manifest an engine pushed for
-- it, so a rebuild with no change reuses it. Runs on H2 and PostgreSQL. created_at is milliseconds
-- since the epoch, UTC. platform is os/architecture[/variant], such as linux/arm/v7. The builder's tests create the
-- same table from io/slipway/builder/cache/build-cache.sql: change both together.
CREATE TABLE build_cache (
    cache_key  VARCHAR(128) NOT NULL PRIMARY KEY,
    repository VARCHAR(255) NOT NULL,
    digest     VARCHAR(71)  NOT NULL,
    media_type VARCHAR(255) NOT NULL,
    size       BIGINT       NOT NULL,
    platform   VARCHAR(100) NOT NULL,
    created_at BIGINT       NOT NULL
);
