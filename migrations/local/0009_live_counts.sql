-- The type cards, the stats and the total under the list (issue 18): the
-- live integrations counted by type, status and activity, kept in step by
-- the triggers below on every write, so a card or a total reads a few rows
-- instead of counting 100,000 index entries each time.
--
-- "Live" is what every list and count shows: not in the Trash
-- (trashed_at IS NULL). A key whose count fell to 0 keeps its row with 0.
CREATE TABLE integration_counts (
    integration_type TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    is_active        INTEGER NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (integration_type, status, is_active)
) WITHOUT ROWID;

INSERT INTO integration_counts (integration_type, status, is_active, n)
SELECT integration_type, status, is_active, COUNT(*)
FROM integrations WHERE trashed_at IS NULL
GROUP BY 1, 2, 3;

CREATE TRIGGER integration_counts_insert AFTER INSERT ON integrations
WHEN NEW.trashed_at IS NULL
BEGIN
    INSERT INTO integration_counts (integration_type, status, is_active, n)
    VALUES (NEW.integration_type, NEW.status, NEW.is_active, 1)
    ON CONFLICT (integration_type, status, is_active) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER integration_counts_delete AFTER DELETE ON integrations
WHEN OLD.trashed_at IS NULL
BEGIN
    UPDATE integration_counts SET n = n - 1
    WHERE integration_type = OLD.integration_type AND status = OLD.status
      AND is_active = OLD.is_active;
END;

-- A write that moves a row between keys, or into or out of the Trash:
-- one less where it was (if it was live), one more where it is (if it is).
CREATE TRIGGER integration_counts_update
AFTER UPDATE OF integration_type, status, is_active, trashed_at ON integrations
WHEN OLD.integration_type IS NOT NEW.integration_type
  OR OLD.status IS NOT NEW.status
  OR OLD.is_active IS NOT NEW.is_active
  OR (OLD.trashed_at IS NULL) IS NOT (NEW.trashed_at IS NULL)
BEGIN
    UPDATE integration_counts SET n = n - 1
    WHERE OLD.trashed_at IS NULL
      AND integration_type = OLD.integration_type AND status = OLD.status
      AND is_active = OLD.is_active;
    INSERT INTO integration_counts (integration_type, status, is_active, n)
    SELECT NEW.integration_type, NEW.status, NEW.is_active, 1
    WHERE NEW.trashed_at IS NULL
    ON CONFLICT (integration_type, status, is_active) DO UPDATE SET n = n + 1;
END;
