-- Expiry and rotation (issue 16). Dates only: never a secret.
--
-- secret_dates: JSON {secret key: when it was last set (RFC 3339)}, for the
--     keys of `secrets` (set here) and of `remote_secrets` (the server's
--     date). Kept by the triggers below on every write of `secrets`, so every
--     path that sets a secret (create, configure, update, import, restore,
--     pull, conflict resolution) records it; a path that re-seals without
--     changing a value (master key rotation) writes the dates back after.
-- expires_at / expires_source: the expiry a provider stated in the last
--     check that reported one, and what stated it ("Meta debug_token").
-- attention_announced: the highest attention stage already announced by an
--     in-app notice (switchboard_domain::expiry::Stage), so each crossing is
--     shown once; lowered again when the integration is renewed.
ALTER TABLE integrations ADD COLUMN secret_dates TEXT NOT NULL DEFAULT '{}';
ALTER TABLE integrations ADD COLUMN expires_at TEXT;
ALTER TABLE integrations ADD COLUMN expires_source TEXT;
ALTER TABLE integrations ADD COLUMN attention_announced TEXT;

-- Existing secrets were last set at the latest when their record last changed.
UPDATE integrations SET secret_dates = (
    SELECT COALESCE(json_group_object(k, integrations.updated_at), '{}') FROM (
        SELECT key AS k FROM json_each(integrations.secrets)
        UNION SELECT key FROM json_each(integrations.remote_secrets)
    )
);

CREATE INDEX integrations_expires ON integrations (expires_at) WHERE expires_at IS NOT NULL;

-- A new record: every secret it holds is set now, unless the insert gives
-- its date (an import or a restore keeping the original one).
CREATE TRIGGER integrations_secret_dates_insert AFTER INSERT ON integrations
BEGIN
    UPDATE integrations SET secret_dates = (
        SELECT COALESCE(json_group_object(k, v), '{}') FROM (
            SELECT n.key AS k, COALESCE(d.value,
                strftime('%Y-%m-%dT%H:%M:%S', 'now') || substr(strftime('%f', 'now'), 3) || '000Z') AS v
            FROM json_each(NEW.secrets) n
            LEFT JOIN json_each(NEW.secret_dates) d ON d.key = n.key
            UNION ALL
            SELECT r.key, d.value FROM json_each(NEW.remote_secrets) r
            JOIN json_each(NEW.secret_dates) d ON d.key = r.key
            WHERE r.key NOT IN (SELECT key FROM json_each(NEW.secrets))
        )
    ) WHERE id = NEW.id;
END;

-- A changed record: a secret whose sealed value changed (or is new) is set
-- now; an unchanged one keeps its date; a secret set only on the server
-- keeps the date it had; a removed one loses its date. A change of the
-- sealed values forgets the stated expiry and the notices given.
CREATE TRIGGER integrations_secret_dates_update AFTER UPDATE OF secrets, remote_secrets ON integrations
WHEN NEW.secrets IS NOT OLD.secrets OR NEW.remote_secrets IS NOT OLD.remote_secrets
BEGIN
    UPDATE integrations SET secret_dates = (
        SELECT COALESCE(json_group_object(k, v), '{}') FROM (
            SELECT n.key AS k, CASE WHEN o.value IS n.value AND d.value IS NOT NULL THEN d.value
                ELSE strftime('%Y-%m-%dT%H:%M:%S', 'now') || substr(strftime('%f', 'now'), 3) || '000Z' END AS v
            FROM json_each(NEW.secrets) n
            LEFT JOIN json_each(OLD.secrets) o ON o.key = n.key
            LEFT JOIN json_each(OLD.secret_dates) d ON d.key = n.key
            UNION ALL
            SELECT r.key, d.value FROM json_each(NEW.remote_secrets) r
            JOIN json_each(OLD.secret_dates) d ON d.key = r.key
            WHERE r.key NOT IN (SELECT key FROM json_each(NEW.secrets))
        )
    ),
    -- A new value's expiry is not known until its next check.
    expires_at = CASE WHEN NEW.secrets IS NOT OLD.secrets THEN NULL ELSE NEW.expires_at END,
    expires_source = CASE WHEN NEW.secrets IS NOT OLD.secrets THEN NULL ELSE NEW.expires_source END,
    attention_announced = CASE WHEN NEW.secrets IS NOT OLD.secrets THEN NULL ELSE NEW.attention_announced END
    WHERE id = NEW.id;
END;
