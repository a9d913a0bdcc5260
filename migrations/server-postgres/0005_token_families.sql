-- Refresh-token families: the access and refresh tokens of one sign-in, and
-- every pair refreshed from it, share a family. A spent refresh token is
-- remembered until it would have expired; presented again (stolen and
-- replayed, or the client's copy of an old one), its whole family is revoked.
ALTER TABLE api_tokens ADD COLUMN family TEXT;
CREATE INDEX api_tokens_family ON api_tokens (family);
CREATE TABLE spent_refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    family      TEXT NOT NULL,
    -- Unix seconds; after this the row is purged.
    expires_at  BIGINT
);
