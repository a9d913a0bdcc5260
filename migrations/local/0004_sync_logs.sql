-- Sync of activity logs and website deletions (docs/sync.md, "Logs" and
-- "Websites").

-- Every log line gets a uid (a UUID, the same on every laptop and on the
-- server) and a `synced` flag: 0 = written here and not pushed yet, 1 =
-- pushed, pulled from the server, or a local note about sync itself (never
-- pushed).
ALTER TABLE integration_logs ADD COLUMN uid TEXT;
ALTER TABLE integration_logs ADD COLUMN synced INTEGER NOT NULL DEFAULT 0;

-- Existing lines get a new random UUID (version 4 layout) and are pushed.
UPDATE integration_logs SET uid =
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' ||
    substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' ||
    lower(hex(randomblob(6)));

CREATE UNIQUE INDEX integration_logs_uid ON integration_logs (uid);
CREATE INDEX integration_logs_unsynced ON integration_logs (id) WHERE synced = 0;

-- A line written without a uid (the store always gives one) gets one.
CREATE TRIGGER integration_logs_uid_fill AFTER INSERT ON integration_logs
WHEN NEW.uid IS NULL
BEGIN
    UPDATE integration_logs SET uid =
        lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
        substr(lower(hex(randomblob(2))), 2) || '-' ||
        substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' ||
        lower(hex(randomblob(6)))
    WHERE id = NEW.id;
END;

-- Websites deleted here, to push as deletions.
CREATE TABLE sync_website_tombstones (
    uid        TEXT PRIMARY KEY,
    deleted_at TEXT NOT NULL
);

-- Pulled log lines of integrations not here yet (a page can bring a line
-- before the integration, which may come in a later page or sync): held
-- until the integration arrives, dropped when the server deletes it.
CREATE TABLE sync_held_logs (
    uid            TEXT PRIMARY KEY,
    integration_id TEXT NOT NULL,
    level          TEXT NOT NULL,
    message        TEXT NOT NULL,
    details        TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX sync_held_logs_integration ON sync_held_logs (integration_id);
