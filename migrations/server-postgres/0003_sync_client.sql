-- Sync (docs/sync.md): the last writer's client id per integration. A push
-- carrying `client_id` stores it on every integration (and tombstone) it
-- creates, changes or deletes; every other write clears it. A pull with
-- `client=<id>` leaves out the changes whose last writer was that client.
-- The SQLite migration 0003 makes the same columns.
ALTER TABLE integrations ADD COLUMN last_client TEXT NULL;
ALTER TABLE tombstones ADD COLUMN last_client TEXT NULL;
