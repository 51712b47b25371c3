-- Deltas between two platform images: one row per (source, target) manifest pair, whatever fleet
-- asked for it, because the payload depends only on the two images' content. Times are
-- milliseconds since the epoch, UTC.
--
-- state is GENERATING while one server makes it. It is READY once its payload lies in the blob
-- store under deltas/sha256/HEX and its manifest is signed. It is FULL when a delta does not pay
-- off (no usable base, or not smaller than a full pull), and FAILED when making it failed, which is
-- retried after a while. A server claims a pair by inserting the row, or by a conditional UPDATE of a
-- GENERATING row whose claim is older than the generation timeout (its server died).
-- source_repository and target_repository are the ORG/FLEET/SERVICE repositories the two images
-- are read from, fleet_id the fleet whose builder secret reads them; the latest claim sets
-- them.
CREATE TABLE delta (
    source_digest     VARCHAR(71)   NOT NULL,
    target_digest     VARCHAR(71)   NOT NULL,
    state             VARCHAR(16)   NOT NULL,
    reason            VARCHAR(1000),
    source_repository VARCHAR(255)  NOT NULL,
    target_repository VARCHAR(255)  NOT NULL,
    fleet_id          BIGINT        NOT NULL,
    claimed_by        VARCHAR(64)   NOT NULL,
    claimed_at        BIGINT        NOT NULL,
    payload_digest    VARCHAR(71),
    payload_size      BIGINT,
    target_size       BIGINT,
    bundle            TEXT,
    finished_at       BIGINT,
    last_used_at      BIGINT        NOT NULL,
    PRIMARY KEY (source_digest, target_digest)
);
CREATE INDEX delta_payload ON delta (payload_digest);
CREATE INDEX delta_last_used ON delta (state, last_used_at);
