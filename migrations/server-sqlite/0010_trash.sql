-- The Trash (docs/sync.md, "Trash"): an integration deleted on a laptop is
-- moved to the Trash there and the field `trashed_at` syncs here (RFC 3339
-- UTC text, so text order is time order; NULL = not in the Trash). The REST
-- lists leave trashed integrations out unless asked (`include_trashed=true`),
-- credential fetches never hand one out, and a sweep deletes for good (with
-- tombstones) what has been in the Trash over 30 days.
ALTER TABLE integrations ADD COLUMN trashed_at TEXT;
CREATE INDEX integrations_trashed ON integrations (trashed_at) WHERE trashed_at IS NOT NULL;
