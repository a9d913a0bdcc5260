-- Lead capture (issue 17). A sign-up page posts its form to /leads/<key>
-- (the integration's receiver key); each accepted sign-up is one lead, with
-- the tag and campaign its page asked for when it arrived, read by the
-- marketing platform through GET /api/v1/leads/ (a service token), oldest
-- first by id.
-- fields: JSON object of the form's checked values.
CREATE TABLE leads (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    integration_id      INTEGER NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    website_id          INTEGER,
    received_at         TEXT    NOT NULL,
    fields              TEXT    NOT NULL,
    tag                 TEXT,
    campaign_id         TEXT,
    auto_create_contact INTEGER NOT NULL,
    origin              TEXT
);
CREATE INDEX leads_of_integration ON leads (integration_id, id);
CREATE INDEX leads_of_website ON leads (website_id, id);

-- Forwarding a lead to the URL its page names (forward_url): one row per
-- lead to send. A replica claims a due row by moving claimed_until past now
-- (one UPDATE, so two replicas never send it at once); each try is a row
-- of lead_attempts. state: pending (due at next_at, unix ms), delivered,
-- failed (out of tries).
CREATE TABLE lead_deliveries (
    lead_id        INTEGER PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
    state          TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_at        INTEGER NOT NULL,
    claimed_until  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX lead_deliveries_due ON lead_deliveries (next_at) WHERE state = 'pending';

CREATE TABLE lead_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    lead_id     INTEGER NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    at          TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    status      INTEGER,
    error       TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX lead_attempts_of_lead ON lead_attempts (lead_id, id);
