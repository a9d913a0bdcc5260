-- Webhook receivers (issue 17). One unguessable key per integration names
-- its public receiver path (/hooks/<key>; the sign-up page's /leads/<key>
-- uses the same key), made on first ask and deleted with the integration,
-- so every replica answers the same path.
CREATE TABLE receiver_keys (
    integration_id INTEGER PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
    key            TEXT    NOT NULL UNIQUE,
    created_at     TEXT    NOT NULL
);

-- What the receivers were sent. A genuine event (its signature verified) is
-- stored once: the provider's event id is unique per integration among
-- genuine events, so a redelivery (or a replica receiving the same event)
-- is acknowledged without a second row. A refused request keeps only why
-- (never a payload), and only the newest refused rows are kept.
-- payload: JSON text with secrets masked; NULL for refused requests.
CREATE TABLE webhook_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    integration_id INTEGER NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    provider       TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    event_id       TEXT    NOT NULL,
    verdict        TEXT    NOT NULL CHECK (verdict IN ('genuine', 'refused')),
    reason         TEXT,
    received_at    TEXT    NOT NULL,
    payload        TEXT
);
CREATE UNIQUE INDEX webhook_events_once ON webhook_events (integration_id, event_id)
    WHERE verdict = 'genuine';
CREATE INDEX webhook_events_newest ON webhook_events (integration_id, id);
