-- Registry metadata. Blob and manifest bytes live in the blob store; these tables record which
-- repository may see which blob, which manifests and tags a repository holds, and what each
-- manifest references (for garbage collection and the referrers API).
-- Times are milliseconds since the epoch, UTC.

CREATE TABLE registry_blob_link (
    repository  VARCHAR(255) NOT NULL,
    digest      VARCHAR(200) NOT NULL,
    size        BIGINT       NOT NULL,
    linked_at   BIGINT       NOT NULL,
    PRIMARY KEY (repository, digest)
);
CREATE INDEX registry_blob_link_digest ON registry_blob_link (digest);

CREATE TABLE registry_manifest (
    repository     VARCHAR(255)  NOT NULL,
    digest         VARCHAR(200)  NOT NULL,
    media_type     VARCHAR(255)  NOT NULL,
    size           BIGINT        NOT NULL,
    artifact_type  VARCHAR(255),
    subject_digest VARCHAR(200),
    annotations    TEXT,
    pushed_at      BIGINT        NOT NULL,
    PRIMARY KEY (repository, digest)
);
CREATE INDEX registry_manifest_subject ON registry_manifest (repository, subject_digest);

-- Every blob (config, layer) and child manifest that a manifest names.
CREATE TABLE registry_manifest_reference (
    repository      VARCHAR(255) NOT NULL,
    manifest_digest VARCHAR(200) NOT NULL,
    child_digest    VARCHAR(200) NOT NULL,
    PRIMARY KEY (repository, manifest_digest, child_digest)
);
CREATE INDEX registry_manifest_reference_child ON registry_manifest_reference (child_digest);

CREATE TABLE registry_tag (
    repository VARCHAR(255) NOT NULL,
    name       VARCHAR(128) NOT NULL,
    digest     VARCHAR(200) NOT NULL,
    updated_at BIGINT       NOT NULL,
    PRIMARY KEY (repository, name)
);

CREATE TABLE registry_upload (
    id         VARCHAR(36)  NOT NULL PRIMARY KEY,
    repository VARCHAR(255) NOT NULL,
    started_at BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL
);

-- The chunks received so far; each is a whole object in the blob store.
CREATE TABLE registry_upload_part (
    upload_id    VARCHAR(36) NOT NULL,
    start_offset BIGINT      NOT NULL,
    size         BIGINT      NOT NULL,
    sha256       CHAR(64)    NOT NULL,
    PRIMARY KEY (upload_id, start_offset)
);
