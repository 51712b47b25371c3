-- OpenID Connect sign-in: the sign-ins in flight and the provider accounts linked to users.
-- Times are milliseconds since the epoch, UTC.

-- One row per authorization request sent to a provider. The state is stored only as SHA-256 hex.
-- The nonce and the PKCE code verifier are kept as issued, because the callback needs them back.
-- used_at is set by a conditional UPDATE, so that a state works once. Rows are deleted an hour
-- after they expire.
CREATE TABLE oidc_login_state (
    state_hash    VARCHAR(64)   NOT NULL PRIMARY KEY,
    provider      VARCHAR(64)   NOT NULL,
    nonce         VARCHAR(128)  NOT NULL,
    code_verifier VARCHAR(128)  NOT NULL,
    redirect_uri  VARCHAR(2048) NOT NULL,
    created_at    BIGINT        NOT NULL,
    expires_at    BIGINT        NOT NULL,
    used_at       BIGINT
);
CREATE INDEX oidc_login_state_expiry ON oidc_login_state (expires_at);

-- A provider account (issuer and subject, as in the ID token) and the Slipway user it signs in as.
CREATE TABLE oidc_identity (
    issuer        VARCHAR(512) NOT NULL,
    subject       VARCHAR(255) NOT NULL,
    user_id       BIGINT       NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    provider      VARCHAR(64)  NOT NULL,
    created_at    BIGINT       NOT NULL,
    last_login_at BIGINT,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identity_user ON oidc_identity (user_id);
