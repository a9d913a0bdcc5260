-- People and devices: an admin disables a user (every token of theirs is
-- deleted at once, and login is refused while disabled_at is set), and sees
-- when each token was last used (written at most once a minute per token).
ALTER TABLE users ADD COLUMN disabled_at TEXT;
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
