-- The list at 100,000 integrations (issue 18): the first page, its total,
-- the type cards and the search read indexes instead of the whole table,
-- whose rows are large (sealed secrets, settings).
--
-- Every list, count and card leaves the Trash out (trashed_at IS NULL), so
-- the indexes are partial on that: one per list order, one per order
-- within a type, and one that covers the counts by type, status and
-- activity.
CREATE INDEX integrations_live_newest ON integrations (created_at DESC, id DESC) WHERE trashed_at IS NULL;
CREATE INDEX integrations_live_updated ON integrations (updated_at DESC, id DESC) WHERE trashed_at IS NULL;
CREATE INDEX integrations_live_name ON integrations (name COLLATE NOCASE, id) WHERE trashed_at IS NULL;
CREATE INDEX integrations_live_status ON integrations (status, name COLLATE NOCASE, id) WHERE trashed_at IS NULL;
CREATE INDEX integrations_live_type_name ON integrations (integration_type, name COLLATE NOCASE, id) WHERE trashed_at IS NULL;
CREATE INDEX integrations_live_type_newest ON integrations (integration_type, created_at DESC, id DESC) WHERE trashed_at IS NULL;
CREATE INDEX integrations_live_counts ON integrations (integration_type, status, is_active, website_id) WHERE trashed_at IS NULL;

-- oldest_secret_at: the earliest date of secret_dates, kept by the trigger
-- below whenever secret_dates changes, so "needs attention" compares one
-- indexed column instead of opening every row's JSON.
ALTER TABLE integrations ADD COLUMN oldest_secret_at TEXT;
UPDATE integrations SET oldest_secret_at = (SELECT MIN(value) FROM json_each(secret_dates));
CREATE INDEX integrations_live_oldest ON integrations (oldest_secret_at) WHERE trashed_at IS NULL;
-- The notices read the integrations announced before (their stage may go down).
CREATE INDEX integrations_announced ON integrations (attention_announced) WHERE attention_announced IS NOT NULL;
CREATE TRIGGER integrations_oldest_secret_insert AFTER INSERT ON integrations
BEGIN
    UPDATE integrations SET oldest_secret_at = (SELECT MIN(value) FROM json_each(integrations.secret_dates))
    WHERE id = NEW.id;
END;
CREATE TRIGGER integrations_oldest_secret AFTER UPDATE OF secret_dates ON integrations
WHEN NEW.secret_dates IS NOT OLD.secret_dates
BEGIN
    UPDATE integrations SET oldest_secret_at = (SELECT MIN(value) FROM json_each(NEW.secret_dates))
    WHERE id = NEW.id;
END;

-- The search: a trigram full-text index over the searched columns (never
-- the secrets), so a search of 3 characters or more finds its candidate
-- rows through the index (a LIKE on a column; detail = 'none' keeps the
-- index small and writes cheap: no positions are kept, so FTS5 checks each
-- candidate's text itself). External content: the text stays in `integrations`, keyed by
-- its rowid; the triggers keep the index in step. (VACUUM may renumber the
-- rowids of a table without an INTEGER PRIMARY KEY: the store never runs
-- it; anything that does must then run
-- INSERT INTO integrations_search(integrations_search) VALUES ('rebuild').)
CREATE VIRTUAL TABLE integrations_search USING fts5(
    name, description, integration_type, provider, config,
    content = 'integrations', content_rowid = 'rowid', tokenize = 'trigram',
    detail = 'none', columnsize = 0
);
INSERT INTO integrations_search (integrations_search) VALUES ('rebuild');
CREATE TRIGGER integrations_search_insert AFTER INSERT ON integrations
BEGIN
    INSERT INTO integrations_search (rowid, name, description, integration_type, provider, config)
    VALUES (NEW.rowid, NEW.name, NEW.description, NEW.integration_type, NEW.provider, NEW.config);
END;
CREATE TRIGGER integrations_search_delete AFTER DELETE ON integrations
BEGIN
    INSERT INTO integrations_search (integrations_search, rowid, name, description, integration_type, provider, config)
    VALUES ('delete', OLD.rowid, OLD.name, OLD.description, OLD.integration_type, OLD.provider, OLD.config);
END;
CREATE TRIGGER integrations_search_update AFTER UPDATE OF name, description, integration_type, provider, config ON integrations
BEGIN
    INSERT INTO integrations_search (integrations_search, rowid, name, description, integration_type, provider, config)
    VALUES ('delete', OLD.rowid, OLD.name, OLD.description, OLD.integration_type, OLD.provider, OLD.config);
    INSERT INTO integrations_search (rowid, name, description, integration_type, provider, config)
    VALUES (NEW.rowid, NEW.name, NEW.description, NEW.integration_type, NEW.provider, NEW.config);
END;
