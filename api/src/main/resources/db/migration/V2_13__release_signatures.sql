-- Release signatures: each signed release document with its bundle, and the per-fleet counter
-- that numbers them. Times are milliseconds since the epoch, UTC.

-- The last release sequence the fleet handed out. A signer raises it with an UPDATE in the
-- transaction that inserts the signature row, so the row lock orders concurrent signers and a
-- rolled-back signature gives its number back before anything outside the database saw it.
ALTER TABLE fleet ADD COLUMN release_sequence BIGINT DEFAULT 0 NOT NULL;

-- One row per signed release. document holds the canonical release document JSON exactly as it
-- was signed; document_digest is sha256: and the hex SHA-256 of those bytes; bundle is the
-- Sigstore bundle JSON whose DSSE envelope carries the document as an in-toto statement;
-- key_hint is the signing key's hint (base64 SHA-256 of its SubjectPublicKeyInfo). A fleet never
-- gives one sequence to two releases.
CREATE TABLE release_signatures (
    release_id       BIGINT       NOT NULL PRIMARY KEY REFERENCES fleet_release (id) ON DELETE CASCADE,
    fleet_id         BIGINT       NOT NULL REFERENCES fleet (id) ON DELETE CASCADE,
    release_sequence BIGINT       NOT NULL,
    document         BYTEA        NOT NULL,
    document_digest  VARCHAR(71)  NOT NULL,
    bundle           TEXT         NOT NULL,
    key_hint         VARCHAR(64)  NOT NULL,
    signed_at        BIGINT       NOT NULL,
    CONSTRAINT release_signatures_sequence UNIQUE (fleet_id, release_sequence)
);
