-- Sync with a shared server (docs/sync.md, "Local store (laptop)").
-- Nothing here holds a secret value: `remote_secrets` holds only the
-- server's masks (last 4) of secrets the laptop has no value for, and
-- `sync_conflicts.mine` holds masks for secret fields.

-- One row: where this laptop syncs to and how far it has pulled.
CREATE TABLE sync_meta (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    server_url     TEXT,
    email          TEXT,
    cursor         INTEGER NOT NULL DEFAULT 0,
    last_synced_at TEXT
);
INSERT INTO sync_meta (id) VALUES (1);

-- The local change counter ("stamp"): bumped inside every write transaction
-- that changes something to push. Stamps order pending changes and let a
-- push answer clear only what was sent.
CREATE TABLE sync_stamp (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);

-- server_revision: the server revision last seen (0 = never pushed).
-- dirty: JSON object {field: stamp of its last local change} of the fields
--        changed since the last push (docs/sync.md field names).
-- change_stamp: stamp of the last local change.
-- remote_secrets: JSON {key: masked} of secrets set only on the server.
-- refused_stamp: the stamp a push was refused (invalid) at; the record is
--        left out of pushes until it changes again.
ALTER TABLE integrations ADD COLUMN server_revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE integrations ADD COLUMN server_id INTEGER;
ALTER TABLE integrations ADD COLUMN dirty TEXT NOT NULL DEFAULT '{}';
ALTER TABLE integrations ADD COLUMN change_stamp INTEGER NOT NULL DEFAULT 0;
ALTER TABLE integrations ADD COLUMN remote_secrets TEXT NOT NULL DEFAULT '{}';
ALTER TABLE integrations ADD COLUMN refused_stamp INTEGER;

-- Everything already here was never pushed: all of its fields are to push.
UPDATE integrations SET
    change_stamp = rowid,
    dirty = (
        SELECT json_group_object(f, integrations.rowid) FROM (
            SELECT 'name' AS f
            UNION ALL SELECT 'description'
            UNION ALL SELECT 'provider'
            UNION ALL SELECT 'is_active'
            UNION ALL SELECT 'website'
            UNION ALL SELECT 'config.' || key FROM json_each(integrations.config)
            UNION ALL SELECT 'secret.' || key FROM json_each(integrations.secrets)
        )
    );
INSERT INTO sync_stamp (id, n) VALUES (1, (SELECT COALESCE(MAX(rowid), 0) FROM integrations));

CREATE INDEX integrations_pending ON integrations (change_stamp) WHERE dirty <> '{}';

-- Websites: dirty = created or changed here since the last push.
ALTER TABLE websites ADD COLUMN dirty INTEGER NOT NULL DEFAULT 1;
CREATE INDEX websites_dirty ON websites (id) WHERE dirty <> 0;

-- Local deletions of records the server has (server_revision > 0), to push.
CREATE TABLE sync_tombstones (
    uid             TEXT    PRIMARY KEY,
    server_revision INTEGER NOT NULL,
    deleted_at      TEXT    NOT NULL,
    change_stamp    INTEGER NOT NULL,
    refused         INTEGER NOT NULL DEFAULT 0
);

-- Fields a push reported as changed on both sides. `mine` and
-- `theirs_masked` are JSON; secret fields hold masks only. A resolved row
-- (keep mine / edit) stays until a push applies the field: its
-- their_revision becomes the base revision of that push.
CREATE TABLE sync_conflicts (
    uid            TEXT    NOT NULL,
    field          TEXT    NOT NULL,
    mine           TEXT    NOT NULL,
    theirs_masked  TEXT    NOT NULL,
    their_revision INTEGER NOT NULL,
    resolved       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (uid, field)
);
