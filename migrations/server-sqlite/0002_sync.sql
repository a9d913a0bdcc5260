-- Sync (docs/sync.md): a change sequence, field revisions and website uids.
-- The PostgreSQL migration 0002 makes the same tables and columns.

-- One row: the last change sequence number handed out. Every write
-- transaction that creates, changes or deletes an integration or a website
-- bumps it (UPDATE sync_counter SET n = n + 1 RETURNING n) and stores the
-- new value in the row's `seq`.
CREATE TABLE sync_counter (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   INTEGER NOT NULL
);

-- {field: revision at which it last changed}; a missing field counts as 1.
ALTER TABLE integrations ADD COLUMN field_revs TEXT NOT NULL DEFAULT '{}';
ALTER TABLE integrations ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tombstones ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE websites ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE websites ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;

-- Existing websites get a new random UUID (version 4 layout).
UPDATE websites SET uid =
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' ||
    substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' ||
    lower(hex(randomblob(6)));

-- Existing rows get distinct sequence numbers, and the counter starts above them.
UPDATE websites SET seq = id;
UPDATE integrations SET seq = id + (SELECT COALESCE(MAX(id), 0) FROM websites);
UPDATE tombstones SET seq = integration_id + (SELECT COALESCE(MAX(id), 0) FROM websites);
INSERT INTO sync_counter (id, n) VALUES (1, (SELECT MAX(m) FROM (
    SELECT COALESCE(MAX(seq), 0) AS m FROM websites
    UNION ALL SELECT COALESCE(MAX(seq), 0) FROM integrations
    UNION ALL SELECT COALESCE(MAX(seq), 0) FROM tombstones
) AS s));

CREATE UNIQUE INDEX websites_uid ON websites (uid);
CREATE INDEX websites_seq ON websites (seq);
CREATE INDEX integrations_seq ON integrations (seq);
CREATE INDEX tombstones_seq ON tombstones (seq);
CREATE INDEX tombstones_uid ON tombstones (uid);

-- Push batches already applied, with their answer: a batch sent again (a
-- retry) gets the same answer and changes nothing.
CREATE TABLE sync_batches (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    batch_id    TEXT    NOT NULL,
    answer      TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, batch_id)
);
