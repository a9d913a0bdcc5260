-- The desktop app's local encrypted store.
-- Secrets never appear here in plain text: `integrations.secrets` holds a JSON
-- object of field key -> base64(AES-256-GCM sealed value), each sealed with
-- the integration id and field key bound as associated data.

CREATE TABLE vault_meta (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    vault_id        TEXT    NOT NULL,
    key_id          TEXT    NOT NULL,
    -- A known value sealed under the current master key: proves a key is right.
    key_check       TEXT    NOT NULL,
    use_keyring     INTEGER NOT NULL,
    passphrase_wrap TEXT,
    recovery_wrap   TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    rotated_at      TEXT
);

CREATE TABLE websites (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    domain      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX websites_name ON websites (name COLLATE NOCASE);

CREATE TABLE integrations (
    id               TEXT    PRIMARY KEY,
    website_id       TEXT    REFERENCES websites (id) ON DELETE RESTRICT,
    owner            TEXT    NOT NULL,
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
    revision         INTEGER NOT NULL DEFAULT 1,
    created_by       TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX integrations_type ON integrations (integration_type);
CREATE INDEX integrations_provider ON integrations (provider);
CREATE INDEX integrations_status ON integrations (status);
CREATE INDEX integrations_website ON integrations (website_id);
CREATE INDEX integrations_created ON integrations (created_at DESC, id);
-- The second document's rule: (website, integration type, name) is unique.
CREATE UNIQUE INDEX integrations_website_provider_name
    ON integrations (website_id, provider, name) WHERE website_id IS NOT NULL;

CREATE TABLE integration_logs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    level          TEXT NOT NULL CHECK (level IN ('success', 'error', 'warning', 'info')),
    message        TEXT NOT NULL,
    details        TEXT NOT NULL DEFAULT '{}',
    created_at     TEXT NOT NULL
);
CREATE INDEX integration_logs_integration ON integration_logs (integration_id, id DESC);
