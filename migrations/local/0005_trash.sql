-- The Trash (README, "Trash"): deleting an integration sets `trashed_at`
-- (RFC 3339 UTC text, so text order is time order); NULL = not in the
-- Trash. Synced as the field `trashed_at` (docs/sync.md). Items trashed
-- more than 30 days ago are deleted for good when the vault unlocks.
ALTER TABLE integrations ADD COLUMN trashed_at TEXT;
CREATE INDEX integrations_trashed ON integrations (trashed_at) WHERE trashed_at IS NOT NULL;
