-- Creating and importing integrations (issue 18): the store's own INSERT
-- now states secret_dates (every secret set at the row's created_at) and
-- oldest_secret_at itself, so the two AFTER INSERT triggers that computed
-- them by rewriting the new row (one UPDATE each, the first firing the
-- oldest_secret UPDATE trigger for a third) are skipped for it. Any other
-- insert gets the same values as before: the triggers now run only when
-- the insert did not state oldest_secret_at and their result could differ
-- from the column's default ('{}' and NULL). A row with no local secret and
-- no stated dates (a pulled one) would get '{}' and NULL from them, which
-- is what it has: they are skipped for it too.
DROP TRIGGER integrations_secret_dates_insert;
CREATE TRIGGER integrations_secret_dates_insert AFTER INSERT ON integrations
WHEN NEW.oldest_secret_at IS NULL AND (NEW.secrets <> '{}' OR NEW.secret_dates <> '{}')
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

DROP TRIGGER integrations_oldest_secret_insert;
CREATE TRIGGER integrations_oldest_secret_insert AFTER INSERT ON integrations
WHEN NEW.oldest_secret_at IS NULL AND NEW.secret_dates <> '{}'
BEGIN
    UPDATE integrations SET oldest_secret_at = (SELECT MIN(value) FROM json_each(integrations.secret_dates))
    WHERE id = NEW.id;
END;
