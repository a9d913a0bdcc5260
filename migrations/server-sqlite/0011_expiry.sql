-- Expiry and rotation (issue 16). Dates only: never a secret.
--
-- secret_dates: JSON {secret key: when its value was last set (RFC 3339)},
--     kept by the database layer on every write of a secret (both REST
--     APIs record now; a sync push records the laptop's date it carries).
-- expires_at / expires_source: the expiry a provider stated in the last
--     connection check (here or on a laptop) that reported one, and what
--     stated it.
ALTER TABLE integrations ADD COLUMN secret_dates TEXT NOT NULL DEFAULT '{}';
ALTER TABLE integrations ADD COLUMN expires_at TEXT;
ALTER TABLE integrations ADD COLUMN expires_source TEXT;

-- Existing secrets were last set at the latest when their record last changed.
UPDATE integrations SET secret_dates = (
    SELECT COALESCE(json_group_object(key, integrations.updated_at), '{}')
    FROM json_each(integrations.secrets)
);
