-- The activity feed (every integration's log, newest first) reads the log
-- in time order across integrations.
CREATE INDEX integration_logs_created ON integration_logs (created_at DESC, id DESC);
