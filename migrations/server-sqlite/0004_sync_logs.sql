-- Sync (docs/sync.md): activity logs and website deletions.
-- The PostgreSQL migration 0004 makes the same tables and columns.

-- Every log line gets a uid (the same on every laptop) and a change
-- sequence number from sync_counter, handed out in the transaction that
-- writes it. `client` is the laptop whose push wrote it (NULL otherwise): a
-- pull with `client=<id>` leaves those lines out.
ALTER TABLE integration_logs ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE integration_logs ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE integration_logs ADD COLUMN client TEXT NULL;

-- Existing lines get a new random UUID (version 4 layout) and sequence
-- numbers above the counter, which moves past them.
UPDATE integration_logs SET uid =
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' ||
    substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' ||
    lower(hex(randomblob(6)));
UPDATE integration_logs SET seq = id + (SELECT n FROM sync_counter WHERE id = 1);
UPDATE sync_counter SET n = n + (SELECT COALESCE(MAX(id), 0) FROM integration_logs) WHERE id = 1;

CREATE UNIQUE INDEX integration_logs_uid ON integration_logs (uid);
CREATE INDEX integration_logs_seq ON integration_logs (seq);
-- A pull finds the last line the pulling laptop wrote itself in one look-up.
CREATE INDEX integration_logs_client_seq ON integration_logs (client, seq);

-- Deleted websites: pulled as deletions. A website pushed again with this
-- uid comes back (and its tombstone goes).
CREATE TABLE website_tombstones (
    uid        TEXT    PRIMARY KEY,
    seq        INTEGER NOT NULL,
    deleted_at TEXT    NOT NULL
);
CREATE INDEX website_tombstones_seq ON website_tombstones (seq);
