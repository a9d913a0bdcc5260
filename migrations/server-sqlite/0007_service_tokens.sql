-- Service tokens: how the marketing platform reads working credentials
-- (GET /api/v1/credentials/). Made by an admin, shown once, stored as the
-- SHA-256 of the token. Scoped to one website (NULL: every website, and the
-- integrations that belong to none) and to integration types (a JSON array;
-- ["*"] is every type). A website's deletion takes its tokens with it, so a
-- token never widens to "every website".
CREATE TABLE service_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash    TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    website_id    INTEGER REFERENCES websites (id) ON DELETE CASCADE,
    types         TEXT    NOT NULL,
    -- Unix seconds; NULL never expires.
    expires_at    INTEGER,
    created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    TEXT    NOT NULL,
    last_used_at  TEXT
);

-- Fixed-window request counters shared by every server on the database:
-- "credentials:<service token id>" and the like. window_start is unix
-- milliseconds; a hit in a later window starts the count again.
CREATE TABLE rate_limits (
    scope         TEXT    PRIMARY KEY,
    window_start  INTEGER NOT NULL,
    hits          INTEGER NOT NULL
);
