-- The shared team server's schema (SQLite). The PostgreSQL schema in
-- migrations/server-postgres is the same table for table and column for column.
--
-- Secrets never appear here in plain text: `integrations.secrets` holds a JSON
-- object of field key -> base64(AES-256-GCM sealed value), each sealed under
-- TOKEN_ENCRYPTION_KEY with the integration's uid and the field key bound as
-- associated data. Tokens are stored as SHA-256 hashes, passwords as Argon2id.
-- Timestamps are RFC 3339 UTC text with microseconds, so text order is time order.

CREATE TABLE server_meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    -- A known value sealed under the current key: proves a key is the right one.
    key_check   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    rotated_at  TEXT
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
    created_at    TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('access', 'refresh', 'api')),
    name        TEXT NOT NULL DEFAULT '',
    -- Unix seconds; NULL never expires (API tokens made without --expires-days).
    expires_at  INTEGER,
    created_at  TEXT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE websites (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    domain      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE website_members (
    website_id  INTEGER NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (website_id, user_id)
);
CREATE INDEX website_members_user ON website_members (user_id, website_id);

CREATE TABLE integrations (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Stable across servers (sync) and bound into every sealed secret.
    uid              TEXT    NOT NULL UNIQUE,
    owner_id         INTEGER NOT NULL REFERENCES users (id),
    website_id       INTEGER REFERENCES websites (id) ON DELETE RESTRICT,
    integration_type TEXT    NOT NULL,
    provider         TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL CHECK (status IN ('active', 'inactive', 'error', 'pending')),
    is_active        INTEGER NOT NULL,
    config           TEXT    NOT NULL DEFAULT '{}',
    secrets          TEXT    NOT NULL DEFAULT '{}',
    configured       INTEGER NOT NULL DEFAULT 0,
    last_sync_at     TEXT,
    last_error       TEXT,
    error_count      INTEGER NOT NULL DEFAULT 0,
    -- Bumped by every change, for sync.
    revision         INTEGER NOT NULL DEFAULT 1,
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX integrations_type ON integrations (integration_type, id);
CREATE INDEX integrations_website ON integrations (website_id, id);
CREATE INDEX integrations_owner ON integrations (owner_id, id);
CREATE INDEX integrations_updated ON integrations (updated_at);
-- The second document's rule: (website, integration_type, name) is a unique set.
CREATE UNIQUE INDEX integrations_unique_set
    ON integrations (website_id, provider, name) WHERE website_id IS NOT NULL;

CREATE TABLE integration_logs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    integration_id INTEGER NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    level          TEXT NOT NULL CHECK (level IN ('success', 'error', 'warning', 'info')),
    message        TEXT NOT NULL,
    details        TEXT NOT NULL DEFAULT '{}',
    created_at     TEXT NOT NULL
);
CREATE INDEX integration_logs_integration ON integration_logs (integration_id, id DESC);

-- Deleted integrations, for sync: a client that last saw `revision` learns the
-- record is gone.
CREATE TABLE tombstones (
    integration_id INTEGER PRIMARY KEY,
    uid            TEXT    NOT NULL,
    website_id     INTEGER,
    owner_id       INTEGER NOT NULL,
    revision       INTEGER NOT NULL,
    deleted_at     TEXT    NOT NULL,
    deleted_by     INTEGER
);
CREATE INDEX tombstones_deleted ON tombstones (deleted_at);

-- Who changed what and when; field names only, never values.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT    NOT NULL,
    actor_id       INTEGER,
    actor_email    TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    integration_id INTEGER,
    website_id     INTEGER,
    fields         TEXT    NOT NULL DEFAULT '[]',
    via            TEXT    NOT NULL
);
CREATE INDEX audit_log_integration ON audit_log (integration_id, id);
